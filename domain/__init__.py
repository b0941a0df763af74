"""Pure domain rules of children's social care complaints: no screen, no database.

Everything here can be tested with plain values: the working-day calendar, the timescale
rule book, the statutory clocks, outcome derivation and the lifecycle's refusal rules.
"""
