log = []
def note(label, value):
    log.append(label)
    return value

class Box:
    def __init__(self):
        self.stored, self.cells = 5, [1, 2]
    @property
    def value(self):
        log.append("get")
        return self.stored
    @value.setter
    def value(self, new):
        log.append("set")
        self.stored = new
    def __getitem__(self, i):
        log.append("getitem")
        return self.cells[i]
    def __setitem__(self, i, v):
        log.append("setitem")
        self.cells[i] = v

box = x = Box()
note("target", box).value = note("rhs", 10)
note("target", box).value += note("operand", 1)
box[note("index", 0)] += note("addend", 1)
box[note("index", 1)] *= note("factor", 7)
x.stored, x = 0, Box()
print(log, box.stored, x.stored, box.cells)
