from datetime import datetime
print(datetime.strptime("2024-02-29 13:05:09", "%Y-%m-%d %H:%M:%S"))
print(datetime.strptime("Thu, 29 Feb 2024 13:05:09 GMT", "%a, %d %b %Y %H:%M:%S GMT"))
print(repr(datetime.strptime("03/04/99 07:08 PM", "%m/%d/%y %I:%M %p")), datetime.strptime("12.5", "%S.%f"))
print(datetime.strptime("January 5 2023", "%B %d %Y"), datetime.strptime("2024 060", "%Y %j"))
for data, fmt in [("2024-13-01", "%Y-%m-%d"), ("2024-01-01x", "%Y-%m-%d"), ("abc", "%Y"), ("2024-02-30", "%Y-%m-%d")]:
    try:
        datetime.strptime(data, fmt)
    except ValueError as e:
        print(e)
