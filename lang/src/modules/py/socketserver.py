"""socketserver: CPython 3.11's generic socket servers, simplified for socklab (select.select
instead of selectors; no forking, no Unix sockets) but behaving the same for scripts."""

import socket
import select
import sys
import threading
from time import monotonic as time

__all__ = ["BaseServer", "TCPServer", "UDPServer", "ThreadingUDPServer", "ThreadingTCPServer",
           "BaseRequestHandler", "StreamRequestHandler", "DatagramRequestHandler", "ThreadingMixIn"]


class _BytesIO:
    """The part of io.BytesIO that DatagramRequestHandler's rfile/wfile need."""

    def __init__(self, data=b''):
        self._data = bytes(data)
        self._pos = 0
        self._out = []
        self.closed = False

    def read(self, n=-1):
        if n is None or n < 0:
            n = len(self._data) - self._pos
        chunk = self._data[self._pos:self._pos + n]
        self._pos += len(chunk)
        return chunk

    def readline(self, limit=-1):
        end = self._data.find(b'\n', self._pos)
        end = len(self._data) if end < 0 else end + 1
        if limit is not None and limit >= 0:
            end = min(end, self._pos + limit)
        chunk = self._data[self._pos:end]
        self._pos = end
        return chunk

    def readlines(self):
        lines = []
        while True:
            line = self.readline()
            if not line:
                return lines
            lines.append(line)

    def __iter__(self):
        return iter(self.readlines())

    def write(self, b):
        self._out.append(bytes(b))
        return len(b)

    def getvalue(self):
        if self._out:
            return b''.join(self._out)
        return self._data

    def flush(self):
        pass

    def close(self):
        self.closed = True


class BaseServer:  #@153
    timeout = None

    def __init__(self, server_address, RequestHandlerClass):
        self.server_address = server_address
        self.RequestHandlerClass = RequestHandlerClass
        self._is_shut_down = threading.Event()
        self._shutdown_request = False

    def server_activate(self):
        pass

    def serve_forever(self, poll_interval=0.5):
        self._is_shut_down.clear()
        try:
            while not self._shutdown_request:
                r, w, x = select.select([self.socket], [], [], poll_interval)
                if self._shutdown_request:
                    break
                if r:
                    self._handle_request_noblock()
                self.service_actions()
        finally:
            self._shutdown_request = False
            self._is_shut_down.set()

    def shutdown(self):
        self._shutdown_request = True
        self._is_shut_down.wait()

    def service_actions(self):
        pass

    def handle_request(self):
        timeout = self.socket.gettimeout()
        if timeout is None:
            timeout = self.timeout
        elif self.timeout is not None:
            timeout = min(timeout, self.timeout)
        if timeout is not None:
            deadline = time() + timeout
        while True:
            r, w, x = select.select([self.socket], [], [], timeout)
            if r:
                return self._handle_request_noblock()
            else:
                if timeout is not None:
                    timeout = deadline - time()
                    if timeout < 0:
                        return self.handle_timeout()

    def _handle_request_noblock(self):
        try:
            request, client_address = self.get_request()
        except OSError:
            return
        if self.verify_request(request, client_address):
            try:
                self.process_request(request, client_address)  #@317
            except Exception:
                self.handle_error(request, client_address)
                self.shutdown_request(request)
            except:
                self.shutdown_request(request)
                raise
        else:
            self.shutdown_request(request)

    def handle_timeout(self):
        pass

    def verify_request(self, request, client_address):
        return True

    def process_request(self, request, client_address):
        self.finish_request(request, client_address)  #@348
        self.shutdown_request(request)

    def server_close(self):
        pass

    def finish_request(self, request, client_address):
        self.RequestHandlerClass(request, client_address, self)  #@361

    def shutdown_request(self, request):
        self.close_request(request)

    def close_request(self, request):
        pass

    def handle_error(self, request, client_address):
        print('-' * 40, file=sys.stderr)
        print('Exception occurred during processing of request from',
              client_address, file=sys.stderr)
        import traceback
        traceback.print_exc()
        print('-' * 40, file=sys.stderr)

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.server_close()


class TCPServer(BaseServer):  #@391
    address_family = socket.AF_INET
    socket_type = socket.SOCK_STREAM
    request_queue_size = 5
    allow_reuse_address = False
    allow_reuse_port = False

    def __init__(self, server_address, RequestHandlerClass, bind_and_activate=True):
        BaseServer.__init__(self, server_address, RequestHandlerClass)
        self.socket = socket.socket(self.address_family, self.socket_type)
        if bind_and_activate:
            try:
                self.server_bind()  #@456
                self.server_activate()  #@457
            except:
                self.server_close()
                raise

    def server_bind(self):
        if self.allow_reuse_address and hasattr(socket, "SO_REUSEADDR"):
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.allow_reuse_port and hasattr(socket, "SO_REUSEPORT"):
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        self.socket.bind(self.server_address)  #@472
        self.server_address = self.socket.getsockname()

    def server_activate(self):
        self.socket.listen(self.request_queue_size)  #@481

    def server_close(self):
        self.socket.close()

    def fileno(self):
        return self.socket.fileno()

    def get_request(self):
        return self.socket.accept()  #@505

    def shutdown_request(self, request):
        try:
            request.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.close_request(request)

    def close_request(self, request):
        request.close()


class UDPServer(TCPServer):  #@522
    allow_reuse_address = False
    allow_reuse_port = False
    socket_type = socket.SOCK_DGRAM
    max_packet_size = 8192

    def get_request(self):
        data, client_addr = self.socket.recvfrom(self.max_packet_size)  #@535
        return (data, self.socket), client_addr

    def server_activate(self):
        pass

    def shutdown_request(self, request):
        self.close_request(request)

    def close_request(self, request):
        pass


class ThreadingMixIn:  #@672
    daemon_threads = False
    block_on_close = True
    _threads = None

    def process_request_thread(self, request, client_address):
        try:
            self.finish_request(request, client_address)  #@691
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def process_request(self, request, client_address):
        if self.block_on_close and self._threads is None:
            self._threads = []
        t = threading.Thread(target=self.process_request_thread, args=(request, client_address))
        t.daemon = self.daemon_threads
        if self._threads is not None:
            self._threads = [th for th in self._threads if th.is_alive()] + [t]
        t.start()

    def server_close(self):
        super().server_close()
        threads, self._threads = self._threads or [], None
        for thread in threads:
            thread.join()


class ThreadingUDPServer(ThreadingMixIn, UDPServer): pass  #@716
class ThreadingTCPServer(ThreadingMixIn, TCPServer): pass


class BaseRequestHandler:  #@731
    def __init__(self, request, client_address, server):
        self.request = request
        self.client_address = client_address
        self.server = server
        self.setup()  #@753
        try:
            self.handle()  #@755
        finally:
            self.finish()  #@757

    def setup(self):
        pass

    def handle(self):
        pass

    def finish(self):
        pass


class StreamRequestHandler(BaseRequestHandler):  #@777
    rbufsize = -1
    wbufsize = 0
    timeout = None
    disable_nagle_algorithm = False

    def setup(self):
        self.connection = self.request
        if self.timeout is not None:
            self.connection.settimeout(self.timeout)
        if self.disable_nagle_algorithm:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, True)
        self.rfile = self.connection.makefile('rb', self.rbufsize)  #@805
        if self.wbufsize == 0:
            self.wfile = _SocketWriter(self.connection)
        else:
            self.wfile = self.connection.makefile('wb', self.wbufsize)  #@809

    def finish(self):
        if not self.wfile.closed:
            try:
                self.wfile.flush()  #@814
            except socket.error:
                pass
        self.wfile.close()
        self.rfile.close()


class _SocketWriter:  #@822
    """Simple writable object that sends straight to the socket (unbuffered)."""
    def __init__(self, sock):
        self._sock = sock
        self.closed = False
    def writable(self): return True
    def fileno(self): return self._sock.fileno()
    def flush(self): pass
    def close(self): self.closed = True

    def write(self, b):
        self._sock.sendall(b)  #@834
        return len(b)


class DatagramRequestHandler(BaseRequestHandler):  #@841
    def setup(self):
        self.packet, self.socket = self.request
        self.rfile = _BytesIO(self.packet)
        self.wfile = _BytesIO()

    def finish(self):
        self.socket.sendto(self.wfile.getvalue(), self.client_address)  #@852
