if x:
    \
        y = 1
    z = 2
if x:
  \
  y = 1
