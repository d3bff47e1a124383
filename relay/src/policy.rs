//! Where scripts may connect, send and listen: address normalisation, the destination rules, and the registry of ports this relay opened.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use socklab_proto::{errno, OsError};

use crate::config::{AllowRule, PortRange};

/// A policy rule that refused something; its name appears in the script's `PermissionError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    Loopback,
    HostAddress,
    Unspecified,
    LinkLocal,
    Private,
    Multicast,
    Broadcast,
    Reserved,
    RelayPort,
    PrivilegedPort,
    ListenPorts,
}

impl Rule {
    pub const ALL: [Rule; 11] = [
        Rule::Loopback,
        Rule::HostAddress,
        Rule::Unspecified,
        Rule::LinkLocal,
        Rule::Private,
        Rule::Multicast,
        Rule::Broadcast,
        Rule::Reserved,
        Rule::RelayPort,
        Rule::PrivilegedPort,
        Rule::ListenPorts,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Rule::Loopback => "loopback",
            Rule::HostAddress => "host-address",
            Rule::Unspecified => "unspecified",
            Rule::LinkLocal => "link-local",
            Rule::Private => "private",
            Rule::Multicast => "multicast",
            Rule::Broadcast => "broadcast",
            Rule::Reserved => "reserved",
            Rule::RelayPort => "relay-port",
            Rule::PrivilegedPort => "privileged-port",
            Rule::ListenPorts => "listen-ports",
        }
    }

    pub fn index(self) -> usize {
        Rule::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }
}

/// A refusal: which rule, and the (normalised) address it was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub rule: Rule,
    pub addr: SocketAddr,
}

impl Refusal {
    /// What the script sees: `PermissionError: [Errno 13] socklab relay refused ...`.
    pub fn to_os_error(self) -> OsError {
        OsError::with_message(
            errno::EACCES,
            format!(
                "socklab relay refused {} (rule: {})",
                self.addr,
                self.rule.name()
            ),
        )
    }
}

/// TCP or UDP, for the registry of opened ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    Tcp,
    Udp,
}

/// The destination and listen rules of one relay.
#[derive(Debug)]
pub struct Policy {
    public: bool,
    allow: Vec<AllowRule>,
    listen_ports: PortRange,
    relay_port: u16,
    own_addrs: HashSet<IpAddr>,
    opened: Arc<Mutex<HashMap<(Transport, u16), usize>>>,
}

/// Keeps a port in the registry of ports this relay opened until dropped.
#[derive(Debug)]
pub struct OpenedPort {
    key: (Transport, u16),
    opened: Arc<Mutex<HashMap<(Transport, u16), usize>>>,
}

impl Drop for OpenedPort {
    fn drop(&mut self) {
        let mut map = self.opened.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.key);
            }
        }
    }
}

impl Policy {
    /// `own_addrs` are the host's interface addresses: reaching them is reaching the host,
    /// so they are treated like loopback.
    pub fn new(
        public: bool,
        allow: Vec<AllowRule>,
        listen_ports: PortRange,
        relay_port: u16,
        own_addrs: impl IntoIterator<Item = IpAddr>,
    ) -> Policy {
        Policy {
            public,
            allow,
            listen_ports,
            relay_port,
            own_addrs: own_addrs.into_iter().map(canonical).collect(),
            opened: Arc::default(),
        }
    }

    pub fn is_public(&self) -> bool {
        self.public
    }

    /// Records that a listener or UDP socket of this relay holds `port`.
    pub fn open_port(&self, transport: Transport, port: u16) -> OpenedPort {
        let key = (transport, port);
        *self
            .opened
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_insert(0) += 1;
        OpenedPort {
            key,
            opened: self.opened.clone(),
        }
    }

    fn is_opened(&self, transport: Transport, port: u16) -> bool {
        self.opened
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(&(transport, port))
    }

    /// May a script connect or send to `addr`? Checks the canonical form of the address.
    pub fn check_destination(&self, transport: Transport, addr: SocketAddr) -> Result<(), Refusal> {
        let ip = canonical(addr.ip());
        let port = addr.port();
        let refuse = |rule| {
            Err(Refusal {
                rule,
                addr: SocketAddr::new(ip, port),
            })
        };
        if self.allow.iter().any(|r| r.matches(ip, port)) {
            return Ok(());
        }
        let host_rule = if ip.is_unspecified() {
            Some(Rule::Unspecified)
        } else if ip.is_loopback() {
            Some(Rule::Loopback)
        } else if self.own_addrs.contains(&ip) {
            Some(Rule::HostAddress)
        } else {
            None
        };
        if let Some(rule) = host_rule {
            if port == self.relay_port {
                return refuse(Rule::RelayPort);
            }
            if !self.public || self.is_opened(transport, port) {
                return Ok(());
            }
            return refuse(rule);
        }
        match classify(ip) {
            None => Ok(()),
            Some(rule) => refuse(rule),
        }
    }

    /// May a script bind `port`? Port 0 (ephemeral) always may.
    pub fn check_bind(&self, addr: SocketAddr) -> Result<(), Refusal> {
        let port = addr.port();
        let refuse = |rule| {
            Err(Refusal {
                rule,
                addr: SocketAddr::new(canonical(addr.ip()), port),
            })
        };
        if port == 0 {
            Ok(())
        } else if port < 1024 {
            refuse(Rule::PrivilegedPort)
        } else if !self.listen_ports.contains(port) {
            refuse(Rule::ListenPorts)
        } else {
            Ok(())
        }
    }
}

/// The rule that refuses a non-host address, or `None` for an ordinary public address.
fn classify(ip: IpAddr) -> Option<Rule> {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            if v4.is_broadcast() {
                Some(Rule::Broadcast)
            } else if v4.is_multicast() {
                Some(Rule::Multicast)
            } else if v4.is_link_local() {
                Some(Rule::LinkLocal)
            } else if v4.is_private() || (o[0] == 100 && (o[1] & 0xc0) == 64) {
                // 100.64.0.0/10 is carrier-grade NAT: private in all but name.
                Some(Rule::Private)
            } else if o[0] == 0 || o[0] >= 240 {
                Some(Rule::Reserved)
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            if v6.is_multicast() {
                Some(Rule::Multicast)
            } else if (s[0] & 0xffc0) == 0xfe80 {
                Some(Rule::LinkLocal)
            } else if (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfec0 {
                // Unique-local (fc00::/7, where cloud metadata like fd00:ec2::254 lives) and
                // the old site-local range.
                Some(Rule::Private)
            } else if s[0] == 0 || (s[0] == 0x2001 && s[1] == 0x0db8) || s[0] == 0x0100 {
                // ::/16 leftovers (IPv4-compatible forms), documentation, discard.
                Some(Rule::Reserved)
            } else {
                None
            }
        }
    }
}

/// The address a packet really goes to: IPv4-mapped (`::ffff:a.b.c.d`) and NAT64
/// (`64:ff9b::a.b.c.d`) forms become plain IPv4, so one check covers every spelling.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return IpAddr::V4(v4);
            }
            let s = v6.segments();
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let o = v6.octets();
                return IpAddr::V4(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
            }
            IpAddr::V6(v6)
        }
        v4 => v4,
    }
}

/// Parses a numeric host the way `getaddrinfo` does: every `inet_aton` IPv4 spelling
/// (`127.1`, `2130706433`, `0x7f000001`, `0177.0.0.1`), IPv6 with or without brackets,
/// `""` (any address) and `"<broadcast>"`, as CPython's socket module accepts. `None`
/// means it is a name to resolve.
pub fn parse_numeric_host(host: &str, family_v6: bool) -> Option<IpAddr> {
    match host {
        "" => {
            return Some(if family_v6 {
                IpAddr::V6(Ipv6Addr::UNSPECIFIED)
            } else {
                IpAddr::V4(Ipv4Addr::UNSPECIFIED)
            })
        }
        "<broadcast>" => return Some(IpAddr::V4(Ipv4Addr::BROADCAST)),
        _ => {}
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    // A scope id (`fe80::1%eth0`) does not change which address is meant.
    let no_scope = bare.split('%').next().unwrap_or(bare);
    if let Ok(v6) = no_scope.parse::<Ipv6Addr>() {
        return Some(IpAddr::V6(v6));
    }
    parse_inet_aton(host).map(IpAddr::V4)
}

/// `inet_aton`: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last part
/// fills the remaining bytes.
fn parse_inet_aton(s: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut nums = Vec::with_capacity(4);
    for p in &parts {
        nums.push(parse_aton_part(p)?);
    }
    let last = *nums.last()?;
    let head = &nums[..nums.len() - 1];
    if head.iter().any(|&n| n > 255) {
        return None;
    }
    let last_bits = 8 * (4 - head.len() as u32);
    if last_bits < 32 && last >= (1u64 << last_bits) {
        return None;
    }
    if last > u64::from(u32::MAX) {
        return None;
    }
    let mut v: u32 = 0;
    for (i, &n) in head.iter().enumerate() {
        v |= (n as u32) << (24 - 8 * i as u32);
    }
    v |= last as u32;
    Some(Ipv4Addr::from(v))
}

fn parse_aton_part(p: &str) -> Option<u64> {
    if p.is_empty() || p.len() > 12 {
        return None;
    }
    let (digits, radix) = if let Some(h) = p.strip_prefix("0x").or_else(|| p.strip_prefix("0X")) {
        (h, 16)
    } else if p.len() > 1 && p.starts_with('0') {
        (&p[1..], 8)
    } else {
        (p, 10)
    };
    if digits.is_empty() {
        // "0x" alone is 0 to inet_aton.
        return (radix == 16).then_some(0);
    }
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> Option<Ipv4Addr> {
        match parse_numeric_host(s, false) {
            Some(IpAddr::V4(a)) => Some(a),
            _ => None,
        }
    }

    #[test]
    fn every_ipv4_spelling_normalises() {
        let lo = Some(Ipv4Addr::LOCALHOST);
        for s in [
            "127.0.0.1",
            "127.1",
            "127.0.1",
            "2130706433",
            "0x7f000001",
            "0X7F000001",
            "0177.0.0.1",
            "0x7f.1",
            "0177.0.0.01",
        ] {
            assert_eq!(v4(s), lo, "{s}");
        }
        assert_eq!(v4("169.254.43518"), Some(Ipv4Addr::new(169, 254, 169, 254)));
        assert_eq!(v4("0xa9fea9fe"), Some(Ipv4Addr::new(169, 254, 169, 254)));
        assert_eq!(v4("1.2.3.4.5"), None);
        assert_eq!(v4("256.0.0.1"), None);
        assert_eq!(v4("1.2.3.256"), None);
        assert_eq!(v4("08.0.0.1"), None);
        assert_eq!(v4("4294967296"), None);
        assert_eq!(v4("localhost"), None);
        assert_eq!(v4("1..2"), None);
    }

    #[test]
    fn ipv6_forms_canonicalise() {
        let h = |s| canonical(parse_numeric_host(s, true).unwrap());
        assert_eq!(h("[::ffff:127.0.0.1]"), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(h("::ffff:7f00:1"), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(
            h("64:ff9b::a9fe:a9fe"),
            IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254))
        );
        assert_eq!(h("[::1]"), IpAddr::V6(Ipv6Addr::LOCALHOST));
        assert_eq!(h("fe80::1%eth0"), "fe80::1".parse::<IpAddr>().unwrap());
        assert_eq!(h(""), IpAddr::V6(Ipv6Addr::UNSPECIFIED));
    }

    fn public() -> Policy {
        Policy::new(
            true,
            vec!["192.168.7.0/24:5000".parse().unwrap()],
            PortRange {
                first: 1024,
                last: 65535,
            },
            8080,
            ["10.1.2.3".parse().unwrap()],
        )
    }

    fn rule(p: &Policy, host: &str, port: u16) -> Option<&'static str> {
        let ip = parse_numeric_host(host, host.contains(':')).unwrap();
        p.check_destination(Transport::Tcp, SocketAddr::new(ip, port))
            .err()
            .map(|r| r.rule.name())
    }

    #[test]
    fn public_mode_table() {
        let p = public();
        for (host, want) in [
            ("127.1", Some("loopback")),
            ("2130706433", Some("loopback")),
            ("0x7f000001", Some("loopback")),
            ("0177.0.0.1", Some("loopback")),
            ("0.0.0.0", Some("unspecified")),
            ("[::]", Some("unspecified")),
            ("[::ffff:127.0.0.1]", Some("loopback")),
            ("[::ffff:169.254.169.254]", Some("link-local")),
            ("169.254.169.254", Some("link-local")),
            ("10.0.0.1", Some("private")),
            ("fe80::1", Some("link-local")),
            ("fd00:ec2::254", Some("private")),
            ("224.0.0.1", Some("multicast")),
            ("255.255.255.255", Some("broadcast")),
            ("240.0.0.1", Some("reserved")),
            ("10.1.2.3", Some("host-address")),
            ("192.168.7.9", None),
            ("93.184.216.34", None),
            ("2606:2800:220:1::1", None),
        ] {
            assert_eq!(rule(&p, host, 5000), want, "{host}");
        }
        // The allow entry is for one port only.
        assert_eq!(rule(&p, "192.168.7.9", 5001), Some("private"));
    }

    #[test]
    fn public_mode_reaches_loopback_only_at_opened_ports() {
        let p = public();
        assert_eq!(rule(&p, "127.0.0.1", 5000), Some("loopback"));
        let guard = p.open_port(Transport::Tcp, 5000);
        assert_eq!(rule(&p, "127.0.0.1", 5000), None);
        assert_eq!(rule(&p, "10.1.2.3", 5000), None);
        assert_eq!(
            p.check_destination(Transport::Udp, "127.0.0.1:5000".parse().unwrap())
                .map_err(|r| r.rule),
            Err(Rule::Loopback)
        );
        drop(guard);
        assert_eq!(rule(&p, "127.0.0.1", 5000), Some("loopback"));
        assert_eq!(rule(&p, "127.0.0.1", 8080), Some("relay-port"));
    }

    #[test]
    fn loopback_mode_allows_the_host_but_not_the_relay_port_or_the_lan() {
        let p = Policy::new(
            false,
            vec![],
            PortRange {
                first: 1024,
                last: 65535,
            },
            8080,
            [],
        );
        assert_eq!(rule(&p, "127.1", 5000), None);
        assert_eq!(rule(&p, "::1", 5000), None);
        assert_eq!(rule(&p, "0.0.0.0", 5000), None);
        assert_eq!(rule(&p, "127.0.0.1", 8080), Some("relay-port"));
        assert_eq!(rule(&p, "169.254.169.254", 80), Some("link-local"));
        assert_eq!(rule(&p, "10.0.0.1", 80), Some("private"));
    }

    #[test]
    fn bind_ports() {
        let p = Policy::new(
            true,
            vec![],
            PortRange {
                first: 20000,
                last: 30000,
            },
            8080,
            [],
        );
        let b = |port| {
            p.check_bind(SocketAddr::from(([0, 0, 0, 0], port)))
                .err()
                .map(|r| r.rule)
        };
        assert_eq!(b(0), None);
        assert_eq!(b(80), Some(Rule::PrivilegedPort));
        assert_eq!(b(8000), Some(Rule::ListenPorts));
        assert_eq!(b(25000), None);
    }

    #[test]
    fn refusal_message_names_rule_and_address() {
        let r = Refusal {
            rule: Rule::LinkLocal,
            addr: "169.254.169.254:80".parse().unwrap(),
        };
        let e = r.to_os_error();
        assert_eq!(e.errno, 13);
        assert_eq!(
            e.message,
            "socklab relay refused 169.254.169.254:80 (rule: link-local)"
        );
    }
}
