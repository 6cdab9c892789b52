class ConfigError(Exception):
    pass

def parse_port(text):
    try:
        return int(text)
    except ValueError as e:
        raise ConfigError(f"bad port {text!r}") from e

def checked(text, log):
    try:
        return parse_port(text)
    except ConfigError:
        log.append(text)
        raise

log = []
for text in ["8080", "http", "22"]:
    try:
        print("port", checked(text, log))
    except ConfigError as e:
        print("config error:", e, isinstance(e, Exception))
try:
    try:
        {"one": 1}["two"]
    except KeyError:
        raise ValueError("unknown number two") from None
except ValueError as e:
    print(log, str(e), isinstance(e, ValueError), isinstance(e, KeyError))
