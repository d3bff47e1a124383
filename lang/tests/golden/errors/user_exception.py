class ProtocolError(Exception):
    pass

def parse(msg):
    if not msg.startswith("HELLO"):
        raise ProtocolError("bad greeting: %r" % msg)

parse("HELLO there")
parse("bye")
