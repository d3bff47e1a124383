x = int(input())
