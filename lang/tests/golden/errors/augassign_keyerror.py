d = {}
d['count'] += 1
