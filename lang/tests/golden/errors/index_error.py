items = [1, 2, 3]
total = items[0] + items[5]
