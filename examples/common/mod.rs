//! What every example shares: a client for the real API when `PERSONACLICK_SHOP_ID` and
//! `PERSONACLICK_SHOP_SECRET` are set (and optionally `PERSONACLICK_BASE_URL`), and otherwise
//! one for the crate's fake server, started in-process, with the fake itself for seeding.

#![allow(dead_code)]

use personaclick::fake::FakeServer;
use personaclick::{Client, ClientBuilder};

/// Where an example's calls go.
pub struct Target {
    /// A server-side client (with the shop secret).
    pub client: Client,
    /// The fake, when running offline: seed it with what PersonaClick's tracking would create.
    pub fake: Option<FakeServer>,
}

impl Target {
    /// A device-side client of the same shop: no secret.
    pub fn device_client(&self) -> Result<Client, personaclick::Error> {
        match &self.fake {
            Some(fake) => fake.device_client(),
            None => builder_from_env(false).expect("set above").build(),
        }
    }
}

fn builder_from_env(with_secret: bool) -> Option<ClientBuilder> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (shop_id, secret) = (
        env("PERSONACLICK_SHOP_ID")?,
        env("PERSONACLICK_SHOP_SECRET")?,
    );
    let mut builder = Client::builder().shop_id(shop_id);
    if with_secret {
        builder = builder.shop_secret(secret);
    }
    if let Some(url) = env("PERSONACLICK_BASE_URL") {
        builder = builder.base_url(url);
    }
    Some(builder)
}

/// The real API if configured, else a fake started now.
pub async fn target() -> Result<Target, Box<dyn std::error::Error>> {
    if let Some(builder) = builder_from_env(true) {
        return Ok(Target {
            client: builder.build()?,
            fake: None,
        });
    }
    let fake = FakeServer::start().await?;
    println!(
        "(offline: a fake PersonaClick server at {})",
        fake.base_url()
    );
    Ok(Target {
        client: fake.client()?,
        fake: Some(fake),
    })
}
