try:
    raise OSError(98, 'Address already in use')
except OSError as e:
    print(e.args, e.errno, str(e))
raise ConnectionResetError(104, 'Connection reset by peer')
