class AppError(Exception):
    pass

class NotFound(AppError):
    def __init__(self, what, code=404):
        super().__init__(f"{what} not found")
        self.what = what
        self.code = code

class Invalid(AppError):
    def __str__(self):
        return "invalid input (custom str)"
def fetch(key):
    if key == "bad":
        raise Invalid("ignored message")
    if key != "ok":
        raise NotFound(key)
    return "data"
for key in ["ok", "user", "bad"]:
    try:
        print(fetch(key))
    except NotFound as e:
        print(e, e.what, e.code, isinstance(e, AppError))
    except AppError as e:
        print(str(e), isinstance(e, Invalid), issubclass(Invalid, Exception))
try:
    raise AppError
except Exception as e:
    print(repr(str(e)), type(e) is AppError)
