"""The semantic model rules read: typed expressions, one reference graph per module, one evaluation.

Built on `fixers.hcl` (bytes -> positioned parse tree); nothing above this layer sees the parser's
grammar.
"""
