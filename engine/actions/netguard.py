"""Where outbound HTTP may go: the SSRF policy for webhook targets, and connections pinned to a checked address.

A host name is resolved once; every address it resolves to is judged by :func:`blocked_reason`, and the
connection then goes to one of those very addresses (no second lookup, so DNS rebinding cannot swap in
another one) while the request still carries the original ``Host`` and, for HTTPS, the original server name.

>>> blocked_reason("::ffff:127.0.0.1")
'loopback'
>>> blocked_reason("93.184.215.14") is None
True
"""
import http.client
import ipaddress
import socket

_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
# Most specific first: Python counts link-local, reserved and unspecified ranges as private too.
_KINDS = (("is_loopback", "loopback"), ("is_unspecified", "unspecified"), ("is_link_local", "link-local"),
          ("is_multicast", "multicast"), ("is_reserved", "reserved"), ("is_private", "private"))


def blocked_reason(address: str) -> str | None:
    """Why a webhook may not connect to `address` (e.g. ``"private"``), or None when it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") says nothing of the range
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        return blocked_reason(str(embedded))
    if ip in _SHARED:
        return "shared (carrier-grade NAT)"
    for attribute, kind in _KINDS:
        if getattr(ip, attribute):
            return kind
    if ip.version == 6 and (ip.sixtofour or ip.teredo):
        inner = ip.sixtofour or ip.teredo[1]
        return blocked_reason(str(inner))
    return None if ip.is_global else "non-public"


def _embedded_ipv4(ip):
    """The IPv4 address an IPv6 address merely wraps (mapped, compatible or NAT64), if any."""
    if ip.version != 6:
        return None
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if int(ip) >> 32 == 0 and int(ip) > 1:  # IPv4-compatible ::a.b.c.d (:: and ::1 are themselves)
        return ipaddress.IPv4Address(int(ip))
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def resolve(host: str, port: int) -> list:
    """Every address `host` resolves to for a TCP connection, in the resolver's order, without duplicates.

    Raises
    ------
    OSError
        (``socket.gaierror``) when the name does not resolve.
    """
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(info[4][0] for info in found))


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed IP address whose certificate is checked against `server_hostname`."""

    def __init__(self, address, port, *, server_hostname, timeout, context):
        super().__init__(address, port, timeout=timeout, context=context)
        self.server_hostname = server_hostname
        self.tls_context = context

    def connect(self):
        http.client.HTTPConnection.connect(self)  # TCP to the pinned address, then TLS for the real name
        self.sock = self.tls_context.wrap_socket(self.sock, server_hostname=self.server_hostname)
