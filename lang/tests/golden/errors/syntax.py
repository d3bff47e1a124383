print("ok")
if True
    print("x")
