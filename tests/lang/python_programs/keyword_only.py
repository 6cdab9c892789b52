def connect(host, *, port=80, secure=False):
    scheme = "https" if secure else "http"
    return f"{scheme}://{host}:{port}"

print(connect("example.org"))
print(connect("example.org", port=8443, secure=True))
try:
    connect("example.org", 8080)
except TypeError as e:
    print("positional port refused:", isinstance(e, TypeError))

def clamp(value, *, low, high):
    return max(low, min(high, value))

print(clamp(15, low=0, high=10), clamp(-3, high=10, low=0), clamp(5, low=0, high=10))
try:
    clamp(5, low=0)
except TypeError as e:
    print("missing keyword:", isinstance(e, TypeError))

def log(*messages, sep=" | ", prefix=">"):
    return prefix + " " + sep.join(messages)

print(log("a", "b", "c"))
print(log("x", sep="/", prefix="#"))
