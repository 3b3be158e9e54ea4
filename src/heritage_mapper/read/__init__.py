"""Reading: bounded file access, JSON with the location of every value, the events CSV.

The first stage of the pipeline. Nothing here knows what a site or an event is: it
turns files into Python values and :class:`~heritage_mapper.problems.Problem` records
that say where a file is broken.
"""
