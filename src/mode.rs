//! The modes of request builders: every builder (and the per-user handle) takes its mode as a
//! type parameter, so its setters are declared once and only `send` (with `pages` and `items`)
//! differs by mode.

/// The default mode of request builders: `send` returns a future, awaited on the caller's
/// runtime. The other mode is `Blocking` (feature `blocking`): `send` waits for the answer.
///
/// ```
/// # async fn run(client: personaclick::Client) {
/// let request: personaclick::GetProfileRequest<personaclick::Async> = client.get_profile();
/// let same_type: personaclick::GetProfileRequest = request;
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Async;
