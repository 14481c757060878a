//! Rate limits: keyed GCRA limiters from `governor`, in memory per process.
//! Each allows a burst, then refills at a steady rate. Rejections are
//! counted per limit so they can be reported.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use anyhow::bail;
use governor::clock::{Clock, DefaultClock, Reference};
use governor::nanos::Nanos;
use governor::state::keyed::{DashMapStateStore, ShrinkableKeyedStateStore};
use governor::state::StateStore;
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::{LimitSettings, RateLimit};

/// How often idle keys are dropped, so that the state stays bounded by the
/// number of clients seen recently.
const HOUSEKEEPING: Duration = Duration::from_secs(60);
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// A request refused by a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    /// The `limits.*` key that refused it.
    pub limit: &'static str,
    pub retry_after: Duration,
}

impl Limited {
    /// Whole seconds for `Retry-After`: rounded up, at least 1.
    pub fn retry_after_secs(&self) -> u64 {
        retry_after_secs(self.retry_after)
    }
}

pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0 || wait.is_zero())
}

/// One keyed limit with its rejection count.
struct Keyed<K: Hash + Eq + Clone> {
    name: &'static str,
    limiter: DefaultKeyedRateLimiter<K>,
    rejected: AtomicU64,
}

impl<K: Hash + Eq + Clone> Keyed<K> {
    fn new(name: &'static str, limit: RateLimit) -> anyhow::Result<Self> {
        Ok(Self {
            name,
            limiter: DefaultKeyedRateLimiter::dashmap(quota(name, limit)?),
            rejected: AtomicU64::new(0),
        })
    }

    fn check(&self, key: &K) -> Result<(), Limited> {
        self.limiter.check_key(key).map_err(|not_until| {
            self.rejected.fetch_add(1, Ordering::Relaxed);
            Limited {
                limit: self.name,
                retry_after: not_until.wait_time_from(self.limiter.clock().now()),
            }
        })
    }

    fn housekeeping(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

fn quota(name: &str, limit: RateLimit) -> anyhow::Result<Quota> {
    let Some(burst) = NonZeroU32::new(limit.burst) else {
        bail!("limits.{name}.burst must be at least 1");
    };
    if !(limit.per_minute.is_finite() && limit.per_minute > 0.0) {
        bail!("limits.{name}.per_minute must be a positive number");
    }
    let period = Duration::try_from_secs_f64(60.0 / limit.per_minute)
        .ok()
        .filter(|p| *p <= DAY * 365 && !p.is_zero())
        .ok_or_else(|| anyhow::anyhow!("limits.{name}.per_minute is out of range"))?;
    Ok(Quota::with_period(period)
        .expect("the period is not zero")
        .allow_burst(burst))
}

/// A cap of `n` emails per address per day that delays rather than drops:
/// each email takes the next free slot, so a flood is spread out at the
/// cap's rate. GCRA with reservations, on `governor`'s keyed state store.
/// What the per-address daily cap says about one more email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailQuota {
    Now,
    /// Queue it to go after this wait.
    After(Duration),
    /// Over a day's worth is already booked: do not send it.
    Refused,
}

struct EmailCap<C: Clock> {
    clock: C,
    start: C::Instant,
    store: DashMapStateStore<String>,
    /// One email's share of the day.
    t: Nanos,
    /// How far ahead of schedule a burst may run: the other n - 1 emails.
    tau: Nanos,
    delayed: AtomicU64,
}

impl<C: Clock> EmailCap<C> {
    fn new(per_day: u32, clock: C) -> anyhow::Result<Self> {
        if per_day == 0 {
            bail!("limits.emails_per_address_per_day must be at least 1");
        }
        let t = Nanos::from(DAY / per_day);
        Ok(Self {
            start: clock.now(),
            clock,
            store: DashMapStateStore::default(),
            t,
            tau: t * u64::from(per_day - 1),
            delayed: AtomicU64::new(0),
        })
    }

    /// Takes the next slot for `key` if it falls within a day: `Now`, or
    /// `After(wait)`. Past that the address has had more mail than it can
    /// take, and the email is `Refused` without booking anything, so no
    /// flood can push someone's mail out by days or lock them out.
    fn delay(&self, key: &str) -> EmailQuota {
        let now = self.clock.now().duration_since(self.start);
        let (t, tau) = (self.t, self.tau);
        let horizon = Nanos::from(DAY);
        let wait = self
            .store
            .measure_and_replace(&key.to_owned(), |tat| {
                let tat = tat.unwrap_or(now);
                let wait = tat.saturating_sub(tau).saturating_sub(now);
                let next = if wait > horizon {
                    tat
                } else {
                    tat.max(now) + t
                };
                Ok::<_, std::convert::Infallible>((wait, next))
            })
            .unwrap_or_else(|never| match never {});
        if wait == Nanos::from(0) {
            return EmailQuota::Now;
        }
        self.delayed.fetch_add(1, Ordering::Relaxed);
        if wait > horizon {
            EmailQuota::Refused
        } else {
            EmailQuota::After(wait.into())
        }
    }

    fn housekeeping(&self) {
        // A key whose next slot is free now is the same as a fresh one.
        let now = self.clock.now().duration_since(self.start);
        self.store.retain_recent(now.saturating_sub(self.t));
        ShrinkableKeyedStateStore::shrink_to_fit(&self.store);
    }
}

/// Every rate limit under `limits`, held in the application state.
pub struct Limits {
    enabled: bool,
    sign_per_ip: Keyed<IpAddr>,
    sign_per_ip_per_petition: Keyed<(IpAddr, String)>,
    login_per_ip: Keyed<IpAddr>,
    login_per_account_per_client: Keyed<(String, IpAddr)>,
    login_per_account: Keyed<String>,
    signup_per_ip: Keyed<IpAddr>,
    signup_per_address: Keyed<String>,
    password_reset_per_ip: Keyed<IpAddr>,
    password_reset_per_address: Keyed<String>,
    /// Where each account last logged in successfully, and when: those
    /// clients skip the account's ceiling, so strangers filling it never
    /// lock the owner out of the network they use.
    known_clients:
        std::sync::Mutex<std::collections::HashMap<(String, IpAddr), std::time::Instant>>,
    emails: EmailCap<DefaultClock>,
}

/// How long a successful login keeps its client exempt from the account's
/// ceiling.
const KNOWN_CLIENT_FOR: Duration = Duration::from_secs(30 * 24 * 60 * 60);

impl Limits {
    /// Builds the limits and starts their housekeeping, which ends when the
    /// limits are dropped.
    pub fn start(settings: &LimitSettings) -> anyhow::Result<Arc<Self>> {
        let limits = Arc::new(Self::new(settings)?);
        tokio::spawn(housekeeping(Arc::downgrade(&limits)));
        Ok(limits)
    }

    fn new(settings: &LimitSettings) -> anyhow::Result<Self> {
        Ok(Self {
            enabled: settings.enabled,
            sign_per_ip: Keyed::new("sign_per_ip", settings.sign_per_ip)?,
            sign_per_ip_per_petition: Keyed::new(
                "sign_per_ip_per_petition",
                settings.sign_per_ip_per_petition,
            )?,
            login_per_ip: Keyed::new("login_per_ip", settings.login_per_ip)?,
            login_per_account_per_client: Keyed::new(
                "login_per_account_per_client",
                settings.login_per_account_per_client,
            )?,
            login_per_account: Keyed::new("login_per_account", settings.login_per_account)?,
            signup_per_ip: Keyed::new("signup_per_ip", settings.signup_per_ip)?,
            signup_per_address: Keyed::new("signup_per_address", settings.signup_per_address)?,
            password_reset_per_ip: Keyed::new(
                "password_reset_per_ip",
                settings.password_reset_per_ip,
            )?,
            password_reset_per_address: Keyed::new(
                "password_reset_per_address",
                settings.password_reset_per_address,
            )?,
            known_clients: std::sync::Mutex::default(),
            emails: EmailCap::new(settings.emails_per_address_per_day, DefaultClock::default())?,
        })
    }

    /// A signature from `ip` on the petition `slug`. No address, no limit.
    pub fn sign(&self, ip: Option<IpAddr>, slug: &str) -> Result<(), Limited> {
        let Some(ip) = ip.filter(|_| self.enabled).map(ip_key) else {
            return Ok(());
        };
        // The narrower limit first, so its refusals spend nothing overall.
        self.sign_per_ip_per_petition
            .check(&(ip, slug.to_owned()))?;
        self.sign_per_ip.check(&ip)
    }

    /// A login attempt from `ip` for `account` (the canonical email, or the
    /// input as typed when it is not an email address). Checked before the
    /// password is hashed, so a refused attempt costs no CPU.
    ///
    /// Attempts are counted per client and account first, so wrong
    /// passwords tried from elsewhere never use up the owner's own bucket.
    /// Only attempts that pass it reach the account's ceiling, which is far
    /// higher, and a client the account logged in from before (see
    /// [`Limits::login_succeeded`]) skips the ceiling: strangers guessing
    /// from many networks can reach it, but it never keeps the owner out.
    pub fn login(&self, ip: Option<IpAddr>, account: &str) -> Result<(), Limited> {
        if !self.enabled {
            return Ok(());
        }
        let account = account.trim().to_lowercase();
        if let Some(ip) = ip.map(ip_key) {
            self.login_per_ip.check(&ip)?;
            let key = (account.clone(), ip);
            self.login_per_account_per_client.check(&key)?;
            if self.is_known(&key) {
                return Ok(());
            }
        }
        self.login_per_account.check(&account)
    }

    /// Notes that `account` logged in from `ip`, which then skips the
    /// account's ceiling for [`KNOWN_CLIENT_FOR`].
    pub fn login_succeeded(&self, ip: Option<IpAddr>, account: &str) {
        let Some(ip) = ip.map(ip_key) else {
            return;
        };
        let key = (account.trim().to_lowercase(), ip);
        self.known_clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(key, std::time::Instant::now());
    }

    fn is_known(&self, key: &(String, IpAddr)) -> bool {
        self.known_clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(key)
            .is_some_and(|at| at.elapsed() < KNOWN_CLIENT_FOR)
    }

    /// A sign-up from `ip` for the canonical `address`. Apart from logins
    /// and resets, so none spends another's allowance.
    pub fn signup(&self, ip: Option<IpAddr>, address: &str) -> Result<(), Limited> {
        self.per_ip_and_address(&self.signup_per_ip, &self.signup_per_address, ip, address)
    }

    /// A forgotten-password request from `ip` for the canonical `address`.
    pub fn password_reset(&self, ip: Option<IpAddr>, address: &str) -> Result<(), Limited> {
        self.per_ip_and_address(
            &self.password_reset_per_ip,
            &self.password_reset_per_address,
            ip,
            address,
        )
    }

    fn per_ip_and_address(
        &self,
        per_ip: &Keyed<IpAddr>,
        per_address: &Keyed<String>,
        ip: Option<IpAddr>,
        address: &str,
    ) -> Result<(), Limited> {
        if !self.enabled {
            return Ok(());
        }
        if let Some(ip) = ip.map(ip_key) {
            per_ip.check(&ip)?;
        }
        per_address.check(&address.trim().to_lowercase())
    }

    /// Counts one email to `address_key` (a canonical address) against
    /// `limits.emails_per_address_per_day`. `None`: send it now; otherwise
    /// how long it must wait. Every call takes a slot, so later emails to
    /// the same address wait longer.
    pub fn email_quota(&self, address_key: &str) -> EmailQuota {
        if !self.enabled {
            return EmailQuota::Now;
        }
        self.emails.delay(address_key)
    }

    /// [`Limits::email_quota`] as the time an email may go: `now`, later
    /// within a day, or `None`, not at all.
    pub fn email_slot(
        &self,
        address_key: &str,
        now: time::PrimitiveDateTime,
    ) -> Option<time::PrimitiveDateTime> {
        match self.email_quota(address_key) {
            EmailQuota::Now => Some(now),
            EmailQuota::After(wait) => {
                Some(now + time::Duration::try_from(wait).unwrap_or(time::Duration::DAY))
            }
            EmailQuota::Refused => None,
        }
    }

    /// How many requests (or emails, delayed) each limit has refused.
    pub fn rejections(&self) -> Vec<(&'static str, u64)> {
        let count = |c: &AtomicU64| c.load(Ordering::Relaxed);
        vec![
            (self.sign_per_ip.name, count(&self.sign_per_ip.rejected)),
            (
                self.sign_per_ip_per_petition.name,
                count(&self.sign_per_ip_per_petition.rejected),
            ),
            (self.login_per_ip.name, count(&self.login_per_ip.rejected)),
            (
                self.login_per_account_per_client.name,
                count(&self.login_per_account_per_client.rejected),
            ),
            (
                self.login_per_account.name,
                count(&self.login_per_account.rejected),
            ),
            (self.signup_per_ip.name, count(&self.signup_per_ip.rejected)),
            (
                self.signup_per_address.name,
                count(&self.signup_per_address.rejected),
            ),
            (
                self.password_reset_per_ip.name,
                count(&self.password_reset_per_ip.rejected),
            ),
            (
                self.password_reset_per_address.name,
                count(&self.password_reset_per_address.rejected),
            ),
            ("emails_per_address_per_day", count(&self.emails.delayed)),
        ]
    }

    fn housekeeping(&self) {
        self.sign_per_ip.housekeeping();
        self.sign_per_ip_per_petition.housekeeping();
        self.login_per_ip.housekeeping();
        self.login_per_account_per_client.housekeeping();
        self.login_per_account.housekeeping();
        self.signup_per_ip.housekeeping();
        self.signup_per_address.housekeeping();
        self.password_reset_per_ip.housekeeping();
        self.password_reset_per_address.housekeeping();
        self.known_clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .retain(|_, at| at.elapsed() < KNOWN_CLIENT_FOR);
        self.emails.housekeeping();
    }
}

async fn housekeeping(limits: Weak<Limits>) {
    let mut tick = tokio::time::interval(HOUSEKEEPING);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(limits) = limits.upgrade() else {
            return;
        };
        limits.housekeeping();
    }
}

/// IPv6 clients are keyed by their /64, the block one subscriber gets, so
/// that rotating addresses within it does not escape a limit.
pub fn ip_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use governor::clock::FakeRelativeClock;

    use super::*;

    fn settings() -> LimitSettings {
        crate::config::Settings::defaults().limits
    }

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn emails_over_the_daily_cap_wait_for_the_next_free_slot() {
        let clock = FakeRelativeClock::default();
        let cap = EmailCap::new(3, clock.clone()).unwrap();
        // A third of a day per email, after a burst of three.
        assert_eq!(cap.delay("jane@example.com"), EmailQuota::Now);
        assert_eq!(cap.delay("jane@example.com"), EmailQuota::Now);
        assert_eq!(cap.delay("jane@example.com"), EmailQuota::Now);
        assert_eq!(cap.delay("jane@example.com"), EmailQuota::After(8 * HOUR));
        // Each delayed email holds its slot: the next waits longer.
        assert_eq!(cap.delay("jane@example.com"), EmailQuota::After(16 * HOUR));
        // Other addresses are not affected.
        assert_eq!(cap.delay("joe@example.com"), EmailQuota::Now);

        clock.advance(2 * HOUR);
        assert_eq!(cap.delay("jane@example.com"), EmailQuota::After(22 * HOUR));
        // Nothing is booked more than a day ahead: a flood is refused.
        assert_eq!(cap.delay("jane@example.com"), EmailQuota::Refused);
        assert_eq!(cap.delay("jane@example.com"), EmailQuota::Refused);
        clock.advance(9 * HOUR);
        assert_eq!(cap.delay("jane@example.com"), EmailQuota::After(21 * HOUR));
        assert_eq!(cap.delayed.load(Ordering::Relaxed), 6);

        // Once its reserved slots have passed, the address is forgotten.
        clock.advance(60 * HOUR);
        cap.housekeeping();
        assert!(!cap.store.contains_key("jane@example.com"));
        assert_eq!(cap.delay("jane@example.com"), EmailQuota::Now);
    }

    #[tokio::test]
    async fn email_delay_counts_against_the_setting_and_can_be_switched_off() {
        let mut s = settings();
        s.emails_per_address_per_day = 2;
        let limits = Limits::start(&s).unwrap();
        assert_eq!(limits.email_quota("a@example.com"), EmailQuota::Now);
        assert_eq!(limits.email_quota("a@example.com"), EmailQuota::Now);
        let EmailQuota::After(wait) = limits.email_quota("a@example.com") else {
            panic!("over the cap");
        };
        assert!(wait > 11 * HOUR && wait <= 12 * HOUR, "{wait:?}");
        assert!(limits
            .rejections()
            .contains(&("emails_per_address_per_day", 1)));

        s.enabled = false;
        let off = Limits::start(&s).unwrap();
        for _ in 0..10 {
            assert_eq!(off.email_quota("a@example.com"), EmailQuota::Now);
        }
    }

    #[test]
    fn signing_is_limited_per_petition_and_overall() {
        let mut s = settings();
        s.sign_per_ip_per_petition = RateLimit {
            burst: 2,
            per_minute: 1.0,
        };
        s.sign_per_ip = RateLimit {
            burst: 3,
            per_minute: 1.0,
        };
        let limits = Limits::new(&s).unwrap();
        let ip = Some("203.0.113.7".parse().unwrap());
        assert!(limits.sign(ip, "bees").is_ok());
        assert!(limits.sign(ip, "bees").is_ok());
        let refused = limits.sign(ip, "bees").unwrap_err();
        assert_eq!(refused.limit, "sign_per_ip_per_petition");
        assert!(refused.retry_after_secs() >= 1 && refused.retry_after_secs() <= 60);
        assert!(limits.sign(ip, "trees").is_ok());
        assert_eq!(limits.sign(ip, "forests").unwrap_err().limit, "sign_per_ip");
        // Another client, and a request without an address, are not limited.
        assert!(limits
            .sign(Some("198.51.100.1".parse().unwrap()), "bees")
            .is_ok());
        assert!(limits.sign(None, "bees").is_ok());
        let counts = limits.rejections();
        assert!(counts.contains(&("sign_per_ip_per_petition", 1)));
        assert!(counts.contains(&("sign_per_ip", 1)));
    }

    #[test]
    fn ipv6_clients_share_a_limit_within_their_64() {
        let mut s = settings();
        s.sign_per_ip_per_petition.burst = 1;
        let limits = Limits::new(&s).unwrap();
        assert!(limits
            .sign(Some("2001:db8::1".parse().unwrap()), "p")
            .is_ok());
        assert!(limits
            .sign(Some("2001:db8::ffff:1".parse().unwrap()), "p")
            .is_err());
        assert!(limits
            .sign(Some("2001:db8:0:1::1".parse().unwrap()), "p")
            .is_ok());
    }

    #[test]
    fn login_is_limited_per_client_and_account_then_per_account_and_per_ip() {
        let mut s = settings();
        s.login_per_account_per_client.burst = 2;
        s.login_per_account.burst = 5;
        s.login_per_ip.burst = 4;
        let limits = Limits::new(&s).unwrap();
        let ip = Some("203.0.113.7".parse().unwrap());
        assert!(limits.login(ip, "olga@example.org").is_ok());
        assert!(limits.login(ip, " OLGA@example.org").is_ok());
        assert_eq!(
            limits.login(ip, "olga@example.org").unwrap_err().limit,
            "login_per_account_per_client"
        );
        assert!(limits.login(ip, "other@example.org").is_ok());
        assert_eq!(
            limits.login(ip, "third@example.org").unwrap_err().limit,
            "login_per_ip"
        );
    }

    #[test]
    fn failures_from_elsewhere_leave_the_owners_bucket_alone() {
        let mut s = settings();
        s.login_per_account_per_client.burst = 2;
        s.login_per_account.burst = 6;
        let limits = Limits::new(&s).unwrap();
        for n in 1..=4u8 {
            let elsewhere = Some(IpAddr::from([198, 51, 100, n]));
            assert!(limits.login(elsewhere, "olga@example.org").is_ok());
        }
        let home = Some("203.0.113.7".parse().unwrap());
        assert!(limits.login(home, "olga@example.org").is_ok());
        assert!(limits.login(home, "olga@example.org").is_ok());
        // The account's ceiling is reached only through many clients.
        let fifth = Some(IpAddr::from([198, 51, 100, 5]));
        assert_eq!(
            limits.login(fifth, "olga@example.org").unwrap_err().limit,
            "login_per_account"
        );
        // The owner, once logged in from home, is never held by it.
        let mut s = settings();
        s.login_per_account_per_client.burst = 5;
        s.login_per_account.burst = 2;
        let limits = Limits::new(&s).unwrap();
        assert!(limits.login(home, "olga@example.org").is_ok());
        limits.login_succeeded(home, "olga@example.org");
        for n in 1..=3u8 {
            let _ = limits.login(Some(IpAddr::from([198, 51, 100, n])), "olga@example.org");
        }
        assert!(limits
            .login(Some(IpAddr::from([198, 51, 100, 9])), "olga@example.org")
            .is_err());
        assert!(limits.login(home, "olga@example.org").is_ok());
    }

    #[test]
    fn sign_ups_resets_and_logins_have_allowances_of_their_own() {
        let mut s = settings();
        s.signup_per_address.burst = 1;
        s.password_reset_per_address.burst = 1;
        s.login_per_account.burst = 1;
        let limits = Limits::new(&s).unwrap();
        let ip = Some("203.0.113.7".parse().unwrap());
        assert!(limits.login(ip, "olga@example.org").is_ok());
        assert!(limits.signup(ip, "olga@example.org").is_ok());
        assert!(limits.password_reset(ip, "olga@example.org").is_ok());
        assert_eq!(
            limits.signup(ip, "Olga@example.org").unwrap_err().limit,
            "signup_per_address"
        );
        assert_eq!(
            limits
                .password_reset(ip, "Olga@example.org")
                .unwrap_err()
                .limit,
            "password_reset_per_address"
        );
    }

    #[test]
    fn switched_off_nothing_is_limited() {
        let mut s = settings();
        s.enabled = false;
        s.sign_per_ip.burst = 1;
        s.login_per_account.burst = 1;
        let limits = Limits::new(&s).unwrap();
        let ip = Some("203.0.113.7".parse().unwrap());
        for _ in 0..5 {
            assert!(limits.sign(ip, "bees").is_ok());
            assert!(limits.login(ip, "olga@example.org").is_ok());
        }
    }

    #[test]
    fn bad_settings_are_refused_by_name() {
        let mut s = settings();
        s.login_per_ip.burst = 0;
        let err = Limits::new(&s).err().unwrap().to_string();
        assert!(err.contains("limits.login_per_ip.burst"), "{err}");
        let mut s = settings();
        s.sign_per_ip.per_minute = 0.0;
        let err = Limits::new(&s).err().unwrap().to_string();
        assert!(err.contains("limits.sign_per_ip.per_minute"), "{err}");
        let mut s = settings();
        s.emails_per_address_per_day = 0;
        assert!(Limits::new(&s).is_err());
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(60)), 60);
        assert_eq!(retry_after_secs(Duration::from_millis(60_001)), 61);
    }
}
