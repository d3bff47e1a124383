import sys
print("to err", file=sys.stderr)
sys.stdout.write("written\n")
sys.exit("fatal: bad config")
