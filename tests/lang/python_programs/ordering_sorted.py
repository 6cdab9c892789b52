class Version:
    def __init__(self, text):
        self.text = text
        self.parts = tuple(int(p) for p in text.split("."))

    def __lt__(self, other):
        return self.parts < other.parts

    def __eq__(self, other):
        return self.parts == other.parts

    def __hash__(self):
        return hash(self.parts)

    def __repr__(self):
        return f"v{self.text}"

versions = [Version(t) for t in ["1.10.0", "1.2.3", "1.2.10", "0.9", "1.2.3"]]
print(sorted(versions))
print(sorted(versions, reverse=True))
print(max(versions), min(versions))
print(Version("2.0") > Version("1.9"), Version("1.0") == Version("1.0"))
print(len(set(versions)), sorted(set(versions)))
versions.sort()
print(versions[0], versions[-1])
print(sorted([Version("3.1"), Version("3.0.1")], key=lambda v: v.text))
