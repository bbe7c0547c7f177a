//! A stop that a load balancer never sees fail. On SIGTERM the instance first *drains*: it
//! keeps serving everything, new connections too, while `/readyz` answers 503 (a balancer
//! that checks health takes it out) and every answer says `Connection: close` (nginx keeps no
//! idle connection to it, so none is cut under a request later). Only then does it stop
//! accepting (nginx tries a refused connection on the next instance), finish the requests in
//! flight and exit. SIGINT, or a second signal, skips the drain: Ctrl-C at a terminal should not
//! wait.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::ServerHandle;

/// Whether this instance is on its way out; read by `/readyz` and on every answer.
#[derive(Debug, Default)]
pub struct Draining(AtomicBool);

impl Draining {
    pub fn is_on(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub fn begin(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signal {
    Terminate,
    Interrupt,
}

async fn next_signal() -> std::io::Result<Signal> {
    use actix_web::rt::signal::unix::{signal, SignalKind};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(tokio::select! {
        _ = terminate.recv() => Signal::Terminate,
        _ = interrupt.recv() => Signal::Interrupt,
    })
}

/// Waits for SIGTERM or SIGINT and stops the server as the module says. Run on the server's
/// own runtime (the server is started with its signal handling off).
pub async fn stop_on_signal(handle: ServerHandle, draining: Arc<Draining>, drain: Duration) {
    let first = match next_signal().await {
        Ok(signal) => signal,
        Err(e) => {
            log::error!("cannot listen for stop signals ({e}): stop the process with SIGKILL");
            return;
        }
    };
    if first == Signal::Terminate && !drain.is_zero() {
        draining.begin();
        log::info!(
            "SIGTERM: draining for {} s (readyz 503, connections closed after each answer)",
            drain.as_secs()
        );
        tokio::select! {
            _ = tokio::time::sleep(drain) => {}
            _ = next_signal() => log::info!("a second signal: stopping without the rest of the drain"),
        }
    }
    log::info!("stopping: no new connections; finishing the requests in flight");
    handle.stop(true).await;
}
