data = [1, 2, 0]
print([10 // x for x in data])
