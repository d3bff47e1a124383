//! The relay's configuration: `socklab serve` flags, also built directly by tests and `socklab run`.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::time::Duration;

/// Which destination policy applies (see `docs/protocol.md`, "Policy").
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PolicyMode {
    /// Loopback policy when listening on a loopback address, public otherwise.
    Auto,
    /// One user on this machine: loopback destinations are allowed.
    Loopback,
    /// Shared relay: loopback only at ports this relay's listeners opened.
    Public,
}

/// How the relay serves and what it allows.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to serve the page and the relay on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "SOCKLAB_LISTEN")]
    pub listen: SocketAddr,

    /// Destination policy. `public` is what a relay behind a reverse proxy on loopback needs.
    #[arg(long, value_enum, default_value = "auto")]
    pub policy: PolicyMode,

    /// Extra destinations scripts may reach: `CIDR[:PORT[-PORT]]`, e.g. `10.0.0.0/8:80`
    /// or `[fd00::/8]:8000-9000`. Repeatable.
    #[arg(long = "allow", value_name = "CIDR[:PORTS]")]
    pub allow: Vec<AllowRule>,

    /// Ports scripts may bind and listen on (besides 0, an ephemeral port).
    #[arg(long, default_value = "1024-65535")]
    pub listen_ports: PortRange,

    /// Extra page origins allowed to open the relay WebSocket (e.g. `https://lab.example`).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,

    /// Join code a page must present in its Hello.
    #[arg(long, env = "SOCKLAB_TOKEN")]
    pub token: Option<String>,

    /// Sessions (WebSockets) at once from one client address.
    #[arg(long, default_value_t = 32)]
    pub max_sessions_per_addr: usize,

    /// Sessions at once in total.
    #[arg(long, default_value_t = 4096)]
    pub max_sessions: usize,

    /// Sockets at once in one session.
    #[arg(long, default_value_t = 64)]
    pub max_sockets_per_session: usize,

    /// Accept queue length cap (a script's `listen(backlog)` is clamped to it).
    #[arg(long, default_value_t = 128)]
    pub max_pending_accepts: u32,

    /// Bytes per second per session, each direction (0: unlimited).
    #[arg(long, default_value_t = 0)]
    pub max_bytes_per_sec: u64,

    /// Close a session after this many seconds without a frame from the page.
    #[arg(long, value_parser = parse_secs, default_value = "3600")]
    pub idle_timeout: Duration,

    /// Longest a `connect` may take, in seconds (a script's own timeout is capped by it).
    #[arg(long, value_parser = parse_secs, default_value = "20")]
    pub connect_timeout: Duration,

    /// Largest WebSocket message accepted from a page, in bytes.
    #[arg(long, default_value_t = socklab_proto::MAX_FRAME)]
    pub max_message_size: usize,
}

fn parse_secs(s: &str) -> Result<Duration, String> {
    let secs: f64 = s.parse().map_err(|e| format!("{e}"))?;
    if !(secs.is_finite() && secs >= 0.0) {
        return Err("must be a non-negative number of seconds".into());
    }
    Ok(Duration::from_secs_f64(secs))
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            policy: PolicyMode::Auto,
            allow: Vec::new(),
            listen_ports: PortRange {
                first: 1024,
                last: 65535,
            },
            allow_origin: Vec::new(),
            token: None,
            max_sessions_per_addr: 32,
            max_sessions: 4096,
            max_sockets_per_session: 64,
            max_pending_accepts: 128,
            max_bytes_per_sec: 0,
            idle_timeout: Duration::from_secs(3600),
            connect_timeout: Duration::from_secs(20),
            max_message_size: socklab_proto::MAX_FRAME,
        }
    }
}

/// An inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub first: u16,
    pub last: u16,
}

impl PortRange {
    pub const ALL: PortRange = PortRange {
        first: 0,
        last: 65535,
    };
    pub fn contains(&self, port: u16) -> bool {
        (self.first..=self.last).contains(&port)
    }
}

/// Why a flag value could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("bad port range {0:?} (want PORT or PORT-PORT)")]
    PortRange(String),
    #[error("bad network {0:?} (want ADDR/PREFIX, e.g. 10.0.0.0/8 or fd00::/8)")]
    Cidr(String),
}

impl FromStr for PortRange {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ConfigError::PortRange(s.to_string());
        let (a, b) = s.split_once('-').unwrap_or((s, s));
        let first: u16 = a.trim().parse().map_err(|_| bad())?;
        let last: u16 = b.trim().parse().map_err(|_| bad())?;
        if first > last {
            return Err(bad());
        }
        Ok(PortRange { first, last })
    }
}

/// A network in CIDR form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Cidr {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ConfigError::Cidr(s.to_string());
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = a.parse().map_err(|_| bad())?;
        let addr = crate::policy::canonical(addr);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p.parse().map_err(|_| bad())?,
            None => max,
        };
        if prefix > max {
            return Err(bad());
        }
        Ok(Cidr { addr, prefix })
    }
}

/// One `--allow` entry: a network and the ports allowed in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllowRule {
    pub net: Cidr,
    pub ports: PortRange,
}

impl AllowRule {
    pub fn matches(&self, ip: IpAddr, port: u16) -> bool {
        self.net.contains(ip) && self.ports.contains(port)
    }
}

impl FromStr for AllowRule {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // `[v6/nn]:ports`, `v4/nn:ports`, or a bare network (all ports).
        let (net, ports) = if let Some(rest) = s.strip_prefix('[') {
            let (net, after) = rest
                .split_once(']')
                .ok_or_else(|| ConfigError::Cidr(s.to_string()))?;
            match after.strip_prefix(':') {
                Some(p) => (net, Some(p)),
                None if after.is_empty() => (net, None),
                None => return Err(ConfigError::Cidr(s.to_string())),
            }
        } else if s.matches(':').count() == 1 {
            let (net, p) = s.split_once(':').unwrap_or((s, ""));
            (net, Some(p))
        } else {
            (s, None)
        };
        Ok(AllowRule {
            net: net.parse()?,
            ports: match ports {
                Some(p) => p.parse()?,
                None => PortRange::ALL,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_rules_parse() {
        let r: AllowRule = "10.0.0.0/8:80".parse().unwrap();
        assert!(r.matches("10.1.2.3".parse().unwrap(), 80));
        assert!(!r.matches("10.1.2.3".parse().unwrap(), 81));
        assert!(!r.matches("11.0.0.1".parse().unwrap(), 80));
        let r: AllowRule = "[fd00::/8]:8000-9000".parse().unwrap();
        assert!(r.matches("fd12::1".parse().unwrap(), 8500));
        assert!(!r.matches("fe80::1".parse().unwrap(), 8500));
        let r: AllowRule = "169.254.169.254".parse().unwrap();
        assert!(r.matches("169.254.169.254".parse().unwrap(), 1));
        assert!(!r.matches("169.254.169.253".parse().unwrap(), 1));
        let r: AllowRule = "fe80::/10".parse().unwrap();
        assert!(r.matches("fe80::1".parse().unwrap(), 22));
        let r: AllowRule = "0.0.0.0/0".parse().unwrap();
        assert!(r.matches("8.8.8.8".parse().unwrap(), 53));
        assert!("10.0.0.0/33".parse::<AllowRule>().is_err());
        assert!("10.0.0.0/8:90-80".parse::<AllowRule>().is_err());
        assert!("nonsense".parse::<AllowRule>().is_err());
    }

    #[test]
    fn port_ranges_parse() {
        assert_eq!(
            "8000".parse::<PortRange>(),
            Ok(PortRange {
                first: 8000,
                last: 8000
            })
        );
        assert!("1024-65535".parse::<PortRange>().unwrap().contains(1024));
        assert!("x".parse::<PortRange>().is_err());
    }
}
