class Node:
    def __init__(self, value, next=None):
        self.value, self.next = value, next

class LinkedList:
    def __init__(self, *values):
        self.head = None
        for v in reversed(values):
            self.push(v)
    def push(self, value):
        self.head = Node(value, self.head)
    def __iter__(self):
        out, node = [], self.head
        while node is not None:
            out, node = out + [node.value], node.next
        return iter(out)
    def __repr__(self):
        return " -> ".join(map(repr, self)) or "(empty)"
    def reverse(self):
        prev, node = None, self.head
        while node:
            node.next, prev, node = prev, node, node.next
        self.head = prev

ll = LinkedList(1, 2, 3)
ll.push(0)
print(ll, len(list(ll)), list(ll), 2 in ll, bool(LinkedList()))
ll.reverse()
print(ll, LinkedList(), sum(ll), max(ll))
