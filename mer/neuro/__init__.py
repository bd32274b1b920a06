"""Hypothalamus and posterior pituitary: OT neuron agents, release pulses, the OT store."""
