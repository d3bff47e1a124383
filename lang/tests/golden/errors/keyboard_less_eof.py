name = input("name? ")
print("hi", name)
again = input("again? ")
