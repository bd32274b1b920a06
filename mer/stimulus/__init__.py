"""Stimulus: pump vacuum at the nipple and afferent input to the hypothalamus."""
