"""graphfraud: find organised medical-insurance fraud rings in claims graphs.

Claims become a patient–card–provider–doctor graph (Neo4j or the embedded
engine); motif queries in ``cypher/`` and community detection on a
suspicion-weighted projection turn that graph into explained rings.
"""

__version__ = "0.1.0"
