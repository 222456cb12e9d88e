"""Fan-out benchmark: Floorkeeper against a reference floor and a naive server (issue 5)."""
