import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for word in ["hello", "datagram", "socketserver"]:
    sock.sendto(bytes(word + "\n", "utf-8"), ("127.0.0.1", 24016))
    received = str(sock.recv(1024), "utf-8")
    print("Sent:     {}".format(word))
    print("Received: {}".format(received))
sock.sendto(b'stressed\n', ("127.0.0.1", 24116))
print("Reversed:", sock.recvfrom(1024)[0])
sock.close()
