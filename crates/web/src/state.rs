//! What the handlers share, and how they run blocking work off the async runtime.

use std::sync::Arc;

use app::App;
use payment::PaymentProvider;

use crate::{HashingPool, WebConfig, WebError};

/// What the handlers share.
pub struct Services {
    pub app: App,
    /// The card payment provider (PayFiP, or the simulator in demo); `None`: no online payment.
    pub provider: Option<Arc<dyn PaymentProvider>>,
    pub config: WebConfig,
    /// Password hashing off the async runtime, bounded.
    pub hashing: HashingPool,
    /// Key of the CSRF tokens (HMAC-SHA256), kept in the database so restarts keep forms valid.
    pub(crate) csrf_key: Vec<u8>,
}

impl Services {
    /// Builds the services; the CSRF key is read from the database (created at the first start).
    pub fn new(
        app: App,
        provider: Option<Arc<dyn PaymentProvider>>,
        config: WebConfig,
    ) -> Result<Services, app::AppError> {
        let csrf_key = app::settings::csrf_key(&app)?;
        Ok(Services {
            app,
            provider,
            config,
            hashing: HashingPool::for_this_machine(),
            csrf_key,
        })
    }

    /// Uses `key` (64 hex characters, from the configuration) for the CSRF tokens.
    pub fn with_csrf_key(mut self, key: &str) -> Result<Services, WebError> {
        let bytes = hex::decode(key.trim())
            .ok()
            .filter(|b| b.len() >= 32)
            .ok_or_else(|| {
                WebError::Refused(
                    "la clé doit compter au moins 64 caractères hexadécimaux".to_owned(),
                )
            })?;
        self.csrf_key = bytes;
        Ok(self)
    }

    /// The same with another hashing pool (tests).
    pub fn with_hashing(mut self, hashing: HashingPool) -> Services {
        self.hashing = hashing;
        self
    }
}

/// The router's state.
pub type Shared = Arc<Services>;

/// Runs blocking work (store, payment adapter) off the async runtime.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, app::AppError> + Send + 'static,
) -> Result<T, WebError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(WebError::from),
        Err(join) => Err(WebError::Internal(format!("blocking task: {join}"))),
    }
}
