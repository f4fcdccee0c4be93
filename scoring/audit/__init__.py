"""The audit seal check: does a sealed JSON result still follow from its evidence, pack and review?"""
