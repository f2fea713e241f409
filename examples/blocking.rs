//! A synchronous program (a batch job, a CLI): the blocking client runs its own runtime, so
//! there is no `async` here.
//!
//! ```sh
//! cargo run --features fake,blocking --example blocking
//! ```

use personaclick::fake::FakeServer;
use personaclick::{Channel, MessageType};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Only the fake needs a runtime; with the real API, build the client and call `.blocking()`.
    let fake_runtime = tokio::runtime::Runtime::new()?;
    let fake = fake_runtime.block_on(FakeServer::start())?;
    let client = fake.client()?.blocking()?;

    client
        .set_profile()
        .email("john.doe@examplemail.com")
        .first_name("John")
        .send()?;
    let profile = client
        .get_profile()
        .email("john.doe@examplemail.com")
        .send()?;
    println!("profile: {:?}", profile.first_name);

    let count = client
        .get_notifications()
        .email("john.doe@examplemail.com")
        .types([MessageType::Bulk])
        .channels([Channel::WebPush])
        .items()
        .count();
    println!("messages: {count}");
    Ok(())
}
