import time
def handler(conn):
    try:
        conn.recv(10)
    finally:
        print("cleanup")
handler(None)
