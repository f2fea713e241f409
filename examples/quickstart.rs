//! A tour of the client.
//!
//! With `PERSONACLICK_SHOP_ID` and `PERSONACLICK_SHOP_SECRET` set (and optionally
//! `PERSONACLICK_BASE_URL`, `PERSONACLICK_EMAIL`), it calls the API for real: initialize a
//! session, update and read a profile, read the last order and the last messages.
//!
//! Without them it stays offline and shows what the client does before anything is sent:
//! every call is checked against the schema, and secrets never show up in debug output.
//!
//! ```sh
//! cargo run --example quickstart
//! ```

use personaclick::{Auto, Channel, Client, Error, Gender, Kid, MessageType};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (env("PERSONACLICK_SHOP_ID"), env("PERSONACLICK_SHOP_SECRET")) {
        (Some(shop_id), Some(secret)) => {
            let mut builder = Client::builder().shop_id(shop_id).shop_secret(secret);
            if let Some(url) = env("PERSONACLICK_BASE_URL") {
                builder = builder.base_url(url);
            }
            let email =
                env("PERSONACLICK_EMAIL").unwrap_or_else(|| "john.doe@examplemail.com".into());
            online(builder.build()?, &email).await
        }
        _ => offline().await,
    }
}

async fn online(client: Client, email: &str) -> Result<(), Error> {
    println!("Calling {}", client.base_url());
    let session = client.init().send().await?;
    println!("init: did {:?}, seance {:?}", session.did, session.seance);

    client
        .set_profile()
        .email(email)
        .first_name("John")
        .last_name("Doe")
        .birthday("1990-03-11")
        .gender(Gender::Male)
        .kids([Kid::new().gender(Gender::Female).birthday("2015-07-28")])
        .auto([Auto::new().brand("Nissan").model("Qashqai")])
        .custom_property("custom_integer_property", 100500)
        .send()
        .await?;
    println!("set_profile: saved");

    let profile = client.get_profile().email(email).send().await?;
    println!("get_profile: {profile:#?}");

    match session.did {
        Some(did) => {
            let products = client.get_last_order_products().did(did).send().await?;
            println!("get_last_order_products: {} products", products.len());
        }
        None => println!("get_last_order_products: skipped, init returned no did"),
    }

    let messages = client
        .get_notifications()
        .email(email)
        .date_from("2023-07-01")
        .types([
            MessageType::Bulk,
            MessageType::Trigger,
            MessageType::Transactional,
        ])
        .channels([Channel::WebPush, Channel::MobilePush])
        .limit(50)
        .send()
        .await?;
    let count = messages
        .payload
        .and_then(|p| p.messages)
        .map_or(0, |m| m.len());
    println!("get_notifications: {count} messages");
    Ok(())
}

async fn offline() -> Result<(), Error> {
    println!("No PERSONACLICK_SHOP_ID / PERSONACLICK_SHOP_SECRET set: an offline tour.\n");

    // A device-side client has no secret: it identifies the user by the device ID.
    let device = Client::builder()
        .shop_id("0d42fd8b713d0752776ca589cc0056")
        .build()?;
    let server = Client::builder()
        .shop_id("0d42fd8b713d0752776ca589cc0056")
        .shop_secret("0123456789abcdef0123456789abcdef")
        .build()?;
    println!("A client's Debug output hides the secret:\n  {server:?}\n");

    let request = server
        .set_profile()
        .email("john.doe@examplemail.com")
        .first_name("John")
        .birthday("1990-03-11")
        .kids([Kid::new().gender(Gender::Male).birthday("2001-04-12")])
        .custom_property("custom_float_property", 7.62);
    println!("A request's Debug output hides personal data:\n  {request:?}\n");

    println!("Calls are checked before anything is sent:");
    let attempts = [
        device.get_profile().send().await.err(),
        device
            .get_profile()
            .email("john.doe@examplemail.com")
            .did("vxlwRZ7Cnk")
            .send()
            .await
            .err(),
        server
            .get_notifications()
            .email("john.doe@examplemail.com")
            .date_from("2023-7-1")
            .types([MessageType::Bulk])
            .channels([Channel::WebPush])
            .limit(60)
            .send()
            .await
            .err(),
        server
            .force_change_email()
            .old_email("john@examplemail.com")
            .new_email("john.doe@examplemail.com")
            .send()
            .await
            .err(),
        server
            .set_profile()
            .kids([Kid::new().birthday("2001-4-12")])
            .custom_property("email", "x")
            .send()
            .await
            .err(),
    ];
    for error in attempts.into_iter().flatten() {
        println!("  {error}");
    }
    println!("\nSet PERSONACLICK_SHOP_ID and PERSONACLICK_SHOP_SECRET to call the API.");
    Ok(())
}
