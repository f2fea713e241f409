//! Page through every message sent to a user since a date: the stream walks `page` with the
//! largest `limit` the API allows and stops after the last page.
//!
//! ```sh
//! cargo run --features fake --example notifications
//! ```

mod common;

use personaclick::fake::{json, Who};
use personaclick::{Channel, MessageType};

const EMAIL: &str = "john.doe@examplemail.com";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::target().await?;
    if let Some(fake) = &target.fake {
        for day in 1..=28 {
            for (kind, channel) in [
                ("bulk", "web_push"),
                ("trigger", "mobile_push"),
                ("transactional", "web_push"),
            ] {
                fake.add_message(
                    Who::Email(EMAIL.into()),
                    channel,
                    json!({"type": kind, "subject": format!("{kind} of July {day}"), "campaign_id": day,
                           "sent_at": format!("2023-07-{day:02}T09:00:00.000Z"), "statistics": {"opened": day % 3 == 0}}),
                );
            }
        }
    }
    let mut messages = target
        .client
        .get_notifications()
        .email(EMAIL)
        .types([
            MessageType::Bulk,
            MessageType::Trigger,
            MessageType::Transactional,
        ])
        .channels([Channel::WebPush, Channel::MobilePush])
        .items();
    let (mut total, mut opened) = (0, 0);
    while let Some(message) = messages.next().await {
        let message = message?;
        total += 1;
        if message.statistics.and_then(|s| s.opened) == Some(true) {
            opened += 1;
        }
    }
    println!("{total} messages since July 1st, {opened} opened");
    Ok(())
}
