import socket
s = socket.socket(socket.AF_INET, socker.SOCK_STREAM)
