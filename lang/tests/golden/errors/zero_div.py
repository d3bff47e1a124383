def compute(a, b):
    return a / b

values = [1, 2, 0]
print(compute(values[0], values[1]))
print(compute(values[1], values[2]))
