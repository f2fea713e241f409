//! Device side (an app or a kiosk with no shop secret): initialize to get a device ID and a
//! session, keep them on a per-user handle, and make every call through it.
//!
//! ```sh
//! cargo run --features fake --example device
//! ```

mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::target().await?;
    let client = target.device_client()?;

    // A new device: no did yet. Store the returned did on the device and send it next time.
    let session = client.init().stream("ios").send().await?;
    let (did, seance) = (
        session.did.unwrap_or_default(),
        session.seance.unwrap_or_default(),
    );
    println!("init: did {did}, seance {seance}");

    // Everything this user does goes through a handle that presets did and seance.
    let user = client.user().did(&did).seance(&seance);
    user.set_profile()
        .email("john.doe@examplemail.com")
        .first_name("John")
        .send()
        .await?;
    let me = user.get_profile().send().await?;
    println!(
        "my profile as the device sees it: has email {:?}, name {:?}",
        me.has_email, me.first_name
    );

    // Without the did, a device-side call has no way to say who it is: checked before sending.
    if let Err(e) = client.get_profile().send().await {
        println!("without a did: {e}");
    }
    Ok(())
}
