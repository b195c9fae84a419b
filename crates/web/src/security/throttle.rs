//! Login throttling: a GCRA limiter per account name and one per client address, so a
//! password guesser is slowed whether it tries many passwords or many accounts.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct LoginThrottle {
    per_account: Arc<DefaultKeyedRateLimiter<String>>,
    per_address: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl LoginThrottle {
    /// `per_account_per_minute` attempts for one account name, five times that for one
    /// address, each with a burst of the same size.
    pub fn new(per_account_per_minute: u32) -> Self {
        let n = NonZeroU32::new(per_account_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let m = NonZeroU32::new(per_account_per_minute.max(1).saturating_mul(5))
            .unwrap_or(NonZeroU32::MIN);
        LoginThrottle {
            per_account: Arc::new(governor::RateLimiter::keyed(Quota::per_minute(n))),
            per_address: Arc::new(governor::RateLimiter::keyed(Quota::per_minute(m))),
        }
    }

    /// `Ok` if the attempt may proceed, or how long to wait.
    pub fn check(&self, account: &str, address: IpAddr) -> Result<(), Duration> {
        let clock = DefaultClock::default();
        let account = dieuhanh_core::text::fold(account);
        for outcome in [
            self.per_address.check_key(&address),
            self.per_account.check_key(&account),
        ] {
            if let Err(not_until) = outcome {
                return Err(not_until.wait_time_from(clock.now()));
            }
        }
        Ok(())
    }

    /// Forgets idle keys so the maps do not grow without bound.
    pub fn retain_recent(&self) {
        self.per_account.retain_recent();
        self.per_address.retain_recent();
    }
}

/// Requests per key in a minute: per integrator key (Open311 POSTs, keyed by the key's
/// id) or per client address (what anonymous visitors write: online filings and ratings
/// proved by an identity number, which a guesser would otherwise try by the thousand).
#[derive(Clone)]
pub struct KeyThrottle<K: std::hash::Hash + Eq + Clone = i64> {
    per_key: Arc<DefaultKeyedRateLimiter<K>>,
}

/// Anonymous public writes, per client address.
pub type AddressThrottle = KeyThrottle<IpAddr>;

impl<K: std::hash::Hash + Eq + Clone> KeyThrottle<K> {
    pub fn new(per_minute: u32) -> Self {
        let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        KeyThrottle {
            per_key: Arc::new(governor::RateLimiter::keyed(Quota::per_minute(n))),
        }
    }

    /// `Ok` if the key may send now, or how long to wait.
    pub fn check(&self, key: K) -> Result<(), Duration> {
        self.per_key
            .check_key(&key)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    pub fn retain_recent(&self) {
        self.per_key.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_attempt_on_one_account_waits() {
        let t = LoginThrottle::new(5);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..5 {
            assert!(t.check("admin", ip).is_ok());
        }
        assert!(t.check("ADMIN", ip).is_err());
        assert!(t.check("someone-else", ip).is_ok());
    }

    #[test]
    fn an_address_over_its_minute_waits_and_another_does_not() {
        let t = AddressThrottle::new(3);
        let (a, b): (IpAddr, IpAddr) = (
            "203.0.113.7".parse().unwrap(),
            "203.0.113.8".parse().unwrap(),
        );
        for _ in 0..3 {
            assert!(t.check(a).is_ok());
        }
        let wait = t.check(a).expect_err("the fourth waits");
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(t.check(b).is_ok());
    }
}
