"""Pictures as self-contained HTML pages: one module per picture, all drawn with
:mod:`policyengine.render.svg` from the result data the text renderers use.

- :mod:`~policyengine.render.charts.timeline`: recommendations and risks as lanes over time;
- :mod:`~policyengine.render.charts.derivation`: an explanation as a graph;
- :mod:`~policyengine.render.charts.matrix`: the paper's table as a heat map, changes marked;
- :mod:`~policyengine.render.charts.sweep`: firing rates and what drives them.
"""
