//! Flow control: the receive credit a page grants per socket, and the per-session byte rate limit.

use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::time::Instant;

/// Most receive credit one socket may hold; grants beyond it are ignored, so a page cannot
/// make the relay queue unbounded data for it.
pub const MAX_RECV_CREDIT: usize = 16 << 20;

/// Bytes the page has allowed the relay to read for it on one socket.
#[derive(Debug)]
pub struct Credit {
    permits: Semaphore,
}

impl Default for Credit {
    fn default() -> Self {
        Credit {
            permits: Semaphore::new(0),
        }
    }
}

impl Credit {
    /// Adds `bytes` of credit, up to [`MAX_RECV_CREDIT`] outstanding.
    pub fn grant(&self, bytes: u32) {
        let room = MAX_RECV_CREDIT.saturating_sub(self.permits.available_permits());
        let n = (bytes as usize).min(room);
        if n > 0 {
            self.permits.add_permits(n);
        }
    }

    /// Waits until some credit is available, then takes up to `max` bytes of it.
    /// Cancel-safe: nothing is taken unless it returns.
    pub async fn take_up_to(&self, max: usize) -> usize {
        let Ok(first) = self.permits.acquire().await else {
            return 0;
        };
        first.forget();
        let extra = self.permits.available_permits().min(max.saturating_sub(1));
        let got = match self.permits.try_acquire_many(extra as u32) {
            Ok(p) => {
                p.forget();
                extra
            }
            Err(_) => 0,
        };
        1 + got
    }

    /// Returns credit taken but not used.
    pub fn give_back(&self, bytes: usize) {
        if bytes > 0 {
            self.permits.add_permits(bytes);
        }
    }

    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }
}

/// A token bucket shared by a session's sockets; 0 bytes per second means unlimited.
#[derive(Debug)]
pub struct RateLimit {
    rate: u64,
    state: Mutex<(f64, Instant)>,
}

impl RateLimit {
    pub fn new(bytes_per_sec: u64) -> RateLimit {
        RateLimit {
            rate: bytes_per_sec,
            state: Mutex::new((bytes_per_sec as f64, Instant::now())),
        }
    }

    /// True when there is no cap (nothing ever waits).
    pub fn is_unlimited(&self) -> bool {
        self.rate == 0
    }

    /// Accounts for `bytes`, waiting as long as the rate requires (the caller is the one
    /// socket task that moves them, so only that socket slows down).
    pub async fn take(&self, bytes: usize) {
        if self.rate == 0 {
            return;
        }
        let wait = {
            let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let rate = self.rate as f64;
            // At most one second of burst.
            st.0 = (st.0 + now.duration_since(st.1).as_secs_f64() * rate).min(rate);
            st.1 = now;
            st.0 -= bytes as f64;
            if st.0 < 0.0 {
                Duration::from_secs_f64(-st.0 / rate)
            } else {
                Duration::ZERO
            }
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn credit_is_taken_in_bounded_pieces_and_capped() {
        let c = Credit::default();
        c.grant(100);
        assert_eq!(c.take_up_to(30).await, 30);
        assert_eq!(c.take_up_to(1000).await, 70);
        assert_eq!(c.available(), 0);
        c.give_back(5);
        assert_eq!(c.take_up_to(1000).await, 5);
        c.grant(u32::MAX);
        assert_eq!(c.available(), MAX_RECV_CREDIT);
        c.grant(10);
        assert_eq!(c.available(), MAX_RECV_CREDIT);
    }

    #[tokio::test(start_paused = true)]
    async fn rate_limit_delays_beyond_the_burst() {
        let r = RateLimit::new(1000);
        let t0 = Instant::now();
        r.take(1000).await;
        assert_eq!(Instant::now(), t0);
        r.take(500).await;
        assert!(Instant::now() - t0 >= Duration::from_millis(500));
    }
}
