//! A walk through every operation: initialize a device session, save a profile with kids, a
//! car and custom properties, read it back, read the last order and the last messages, force
//! an email, a phone and an external ID change, and erase the profile's personal data.
//!
//! Offline by default: it starts the crate's fake PersonaClick server in-process and talks to
//! it over real HTTP. With `PERSONACLICK_SHOP_ID` and `PERSONACLICK_SHOP_SECRET` set (and
//! optionally `PERSONACLICK_BASE_URL`), it talks to that server instead; the forced changes are
//! then skipped, with the erasure, unless `PERSONACLICK_FORCE_CHANGES=1`, since they change
//! real data.
//!
//! ```sh
//! cargo run --features fake --example quickstart
//! ```

use personaclick::fake::{json, FakeServer, Who};
use personaclick::{Auto, Channel, Client, Error, Gender, Kid, MessageType};

const EMAIL: &str = "john.doe@examplemail.com";
const PHONE: &str = "449995550000";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    // Kept alive until the end: dropping it stops the server.
    let mut _fake = None;
    let (client, force_changes) =
        match (env("PERSONACLICK_SHOP_ID"), env("PERSONACLICK_SHOP_SECRET")) {
            (Some(shop_id), Some(secret)) => {
                let mut builder = Client::builder().shop_id(shop_id).shop_secret(secret);
                if let Some(url) = env("PERSONACLICK_BASE_URL") {
                    builder = builder.base_url(url);
                }
                (
                    builder.build()?,
                    env("PERSONACLICK_FORCE_CHANGES").as_deref() == Some("1"),
                )
            }
            _ => {
                let fake = FakeServer::start().await?;
                println!(
                    "Offline: a fake PersonaClick server runs at {}\n",
                    fake.base_url()
                );
                let client = fake.client()?;
                _fake = Some(fake);
                (client, true)
            }
        };
    println!("{client:?}\n");
    run(&client, _fake.as_ref(), force_changes).await?;
    Ok(())
}

async fn run(client: &Client, fake: Option<&FakeServer>, force_changes: bool) -> Result<(), Error> {
    let session = client.init().stream("web").send().await?;
    let did = session.did.clone().unwrap_or_default();
    let seance = session.seance.clone().unwrap_or_default();
    println!("init → did {did}, seance {seance}");

    client
        .set_profile()
        .did(&did)
        .seance(&seance)
        .email(EMAIL)
        .phone(PHONE)
        .id("100500")
        .first_name("John")
        .last_name("Doe")
        .birthday("1990-03-11")
        .gender(Gender::Male)
        .kids([
            Kid::new().gender(Gender::Male).birthday("2001-04-12"),
            Kid::new().gender(Gender::Female).birthday("2015-07-28"),
        ])
        .auto([Auto::new()
            .brand("Nissan")
            .model("Qashqai")
            .vds("TM7N243E4G0BJG978")])
        .custom_property("custom_integer_property", 100500)
        .custom_property("custom_float_property", 7.62)
        .custom_property(
            "custom_array_of_string_property",
            vec!["value1".to_string(), "value2".to_string()],
        )
        .send()
        .await?;
    println!("set_profile → saved John Doe, 2 kids, 1 car, 3 custom properties");

    let profile = client.get_profile().email(EMAIL).send().await?;
    println!(
        "get_profile → {} {}, gender {:?}, kids {}, custom properties {:?}",
        profile.first_name.as_deref().unwrap_or("?"),
        profile.last_name.as_deref().unwrap_or("?"),
        profile.gender.as_ref().map(|g| g.as_str()),
        profile.kids.as_ref().map_or(0, Vec::len),
        profile
            .custom_properties
            .as_ref()
            .map(|c| c.keys().cloned().collect::<Vec<_>>()),
    );
    println!(
        "  Debug output hides personal data: kids {:?}",
        profile.kids.unwrap_or_default()
    );

    if let Some(fake) = fake {
        // The fake's own API seeds what only PersonaClick's tracking would create.
        fake.add_order(
            Who::Did(did.clone()),
            "order-1",
            "delivered",
            vec![
                json!({"id": "p1", "name": "Running shoes", "price": 120, "quantity": 1, "currency": "USD"}),
                json!({"id": "p2", "name": "Socks", "price": 5.5, "quantity": 3, "currency": "USD"}),
            ],
        );
        fake.add_message(
            Who::Email(EMAIL.into()),
            "web_push",
            json!({"type": "bulk", "subject": "Spring sale", "sent_at": "2023-07-02T10:00:00.000Z", "date": "2023-07-02"}),
        );
    }
    let products = client.get_last_order_products().did(&did).send().await?;
    let names: Vec<&str> = products.iter().filter_map(|p| p.name.as_deref()).collect();
    println!(
        "get_last_order_products → {} products: {names:?}",
        products.len()
    );

    let notifications = client
        .get_notifications()
        .email(EMAIL)
        .types([
            MessageType::Bulk,
            MessageType::Trigger,
            MessageType::Transactional,
        ])
        .channels([Channel::WebPush, Channel::MobilePush])
        .limit(50)
        .send()
        .await?;
    let subjects: Vec<String> = notifications
        .payload
        .and_then(|p| p.messages)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.subject)
        .collect();
    println!("get_notifications → {subjects:?}");

    if force_changes {
        client
            .force_change_email()
            .old_email(EMAIL)
            .new_email("john@examplemail.com")
            .i_understand_what_i_am_doing()
            .send()
            .await?;
        client
            .force_change_phone()
            .old_phone(PHONE)
            .new_phone("440005551122")
            .i_understand_what_i_am_doing()
            .send()
            .await?;
        println!("force_change_email, force_change_phone → done");
        let moved = client
            .get_profile()
            .email("john@examplemail.com")
            .send()
            .await?;
        println!(
            "  the profile is now found by its new email: {}",
            moved.first_name.is_some()
        );
        client
            .force_change_id()
            .old_external_id("100500")
            .new_external_id("100501")
            .i_understand_what_i_am_doing()
            .send()
            .await?;
        println!("force_change_id → done");
        client.purge_profile().external_id("100501").send().await?;
        let erased = client
            .get_profile()
            .email("john@examplemail.com")
            .send()
            .await;
        println!(
            "purge_profile → the personal data is gone: {}",
            erased.is_err()
        );
    }

    println!("\nWhat goes wrong is checked before sending, and reported with PersonaClick's message after:");
    let before = client
        .get_notifications()
        .email(EMAIL)
        .page(0)
        .limit(60)
        .send()
        .await;
    if let Err(e) = before {
        println!("  {e}");
    }
    let after = client
        .force_change_email()
        .old_email("nobody@examplemail.com")
        .new_email("someone@examplemail.com")
        .i_understand_what_i_am_doing()
        .send()
        .await;
    if let Err(e) = after {
        println!("  {e}");
    }
    Ok(())
}
