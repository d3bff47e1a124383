//! Linux errno numbers and their `strerror` texts, as CPython on Linux reports them.
//!
//! Negative values are `getaddrinfo` errors (`EAI_*`), which a script sees as
//! `socket.gaierror`.

pub const EPERM: i32 = 1;
pub const EINTR: i32 = 4;
pub const EBADF: i32 = 9;
pub const EAGAIN: i32 = 11;
pub const ENOMEM: i32 = 12;
pub const EACCES: i32 = 13;
pub const EINVAL: i32 = 22;
pub const EMFILE: i32 = 24;
pub const EPIPE: i32 = 32;
pub const ENOTSOCK: i32 = 88;
pub const EDESTADDRREQ: i32 = 89;
pub const EMSGSIZE: i32 = 90;
pub const ENOPROTOOPT: i32 = 92;
pub const EOPNOTSUPP: i32 = 95;
pub const EAFNOSUPPORT: i32 = 97;
pub const EADDRINUSE: i32 = 98;
pub const EADDRNOTAVAIL: i32 = 99;
pub const ENETUNREACH: i32 = 101;
pub const ECONNABORTED: i32 = 103;
pub const ECONNRESET: i32 = 104;
pub const ENOBUFS: i32 = 105;
pub const EISCONN: i32 = 106;
pub const ENOTCONN: i32 = 107;
pub const ETIMEDOUT: i32 = 110;
pub const ECONNREFUSED: i32 = 111;
pub const EHOSTUNREACH: i32 = 113;
pub const EALREADY: i32 = 114;
pub const EINPROGRESS: i32 = 115;

/// `getaddrinfo`: name or service not known.
pub const EAI_NONAME: i32 = -2;
/// `getaddrinfo`: temporary failure in name resolution.
pub const EAI_AGAIN: i32 = -3;
/// `getaddrinfo`: non-recoverable failure in name resolution.
pub const EAI_FAIL: i32 = -4;
/// `getaddrinfo`: address family for hostname not supported.
pub const EAI_FAMILY: i32 = -6;
/// `getaddrinfo`: the address's family does not match the socket's (`connect(("::1", 80))`
/// on an `AF_INET` socket).
pub const EAI_ADDRFAMILY: i32 = -9;

/// The text CPython prints after `[Errno N]` on Linux.
pub fn strerror(errno: i32) -> &'static str {
    match errno {
        EPERM => "Operation not permitted",
        EINTR => "Interrupted system call",
        EBADF => "Bad file descriptor",
        EAGAIN => "Resource temporarily unavailable",
        ENOMEM => "Cannot allocate memory",
        EACCES => "Permission denied",
        EINVAL => "Invalid argument",
        EMFILE => "Too many open files",
        EPIPE => "Broken pipe",
        ENOTSOCK => "Socket operation on non-socket",
        EDESTADDRREQ => "Destination address required",
        EMSGSIZE => "Message too long",
        ENOPROTOOPT => "Protocol not available",
        EOPNOTSUPP => "Operation not supported",
        EAFNOSUPPORT => "Address family not supported by protocol",
        EADDRINUSE => "Address already in use",
        EADDRNOTAVAIL => "Cannot assign requested address",
        ENETUNREACH => "Network is unreachable",
        ECONNABORTED => "Software caused connection abort",
        ECONNRESET => "Connection reset by peer",
        ENOBUFS => "No buffer space available",
        EISCONN => "Transport endpoint is already connected",
        ENOTCONN => "Transport endpoint is not connected",
        ETIMEDOUT => "Connection timed out",
        ECONNREFUSED => "Connection refused",
        EHOSTUNREACH => "No route to host",
        EALREADY => "Operation already in progress",
        EINPROGRESS => "Operation now in progress",
        EAI_NONAME => "Name or service not known",
        EAI_AGAIN => "Temporary failure in name resolution",
        EAI_FAIL => "Non-recoverable failure in name resolution",
        EAI_FAMILY => "ai_family not supported",
        EAI_ADDRFAMILY => "Address family for hostname not supported",
        _ => "Unknown error",
    }
}
