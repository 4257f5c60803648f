"""What a CNN learns, and what it looks at: attribution maps, activation maximisation,
Deep Dream and style features. One method per module; import from the modules, e.g.
``from cnnbook.visualize.attribution import saliency_map``.
"""
