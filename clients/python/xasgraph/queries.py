"""The GraphQL documents the client sends (the schema is the service's src/schema/*.graphql)."""

CONSENSUS = "value confidence distribution { value share }"

SPECTRUM_FIELDS = """
  id absorbingElement edge spectrumType method siteIndex averagedSites energies mu uncertainty e0 modelVersion
  material { id formula origin }
  measured { compound source credit license beamline mode }
"""

MATERIAL_FIELDS = """
  id formula elements chemsys nsites spacegroupSymbol spacegroupNumber origin
  provenance { source license url }
"""

IDENTIFICATION_FIELDS = f"""
  absorbingElement edge candidatesConsidered referenceMethods rankedBy queryHalfStep confident warnings
  matches {{
    rank score correlation votes method energyShift energyScale referenceHalfStep
    curve {{ energies mu }}
    material {{ id formula spacegroupSymbol origin }}
    spectrum {{ id method measured {{ compound source credit }} }}
  }}
  oxidationState {{ {CONSENSUS} }}
  oxidationStatePrior {{ {CONSENSUS} }}
  coordinationNumber {{ {CONSENSUS} }}
  normalized {{ e0 edgeStep energies mu }}
"""

IDENTIFY = f"""query Identify($input: SpectrumInput!, $options: IdentifyOptions) {{
  identifySpectrum(input: $input, options: $options) {{ {IDENTIFICATION_FIELDS} }}
}}"""

FIT_MIXTURE = """query FitMixture($input: SpectrumInput!, $options: MixtureOptions) {
  fitMixture(input: $input, options: $options) {
    absorbingElement edge rankedBy fitFrom fitTo confident warnings
    candidates { spectrum { id } material { id formula } method score }
    fits {
      rank weightSum rFactor chiSquare reducedChiSquare criterion illConditioned warnings
      components { spectrum { id } material { id formula } method weight weightUncertainty energyShift }
      curve { energies mu fit residual }
    }
    normalized { e0 edgeStep energies mu }
  }
}"""

DECOMPOSE_SERIES = f"""query DecomposeSeries($inputs: [SpectrumInput!]!, $options: SeriesOptions) {{
  decomposeSeries(inputs: $inputs, options: $options) {{
    absorbingElement edge spectra energies concentrations lackOfFit iterations converged warnings
    pca {{ eigenvalues explainedVariance ind components rule }}
    components {{
      index mu
      identification {{ absorbingElement edge confident
        matches {{ rank score method material {{ id formula }} spectrum {{ id }} }}
        oxidationState {{ {CONSENSUS} }} }}
    }}
  }}
}}"""

MATERIALS_PAGE = f"""query Materials($filter: MaterialFilter, $first: Int, $after: String) {{
  materials(filter: $filter, first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ {MATERIAL_FIELDS} }} }}
  }}
}}"""

MATERIAL = f"""query Material($id: ID!) {{
  material(id: $id) {{ {MATERIAL_FIELDS}
    spectra {{ id absorbingElement edge spectrumType method siteIndex }}
    structure {{ pymatgen }} }}
}}"""

SPECTRUM = f"""query Spectrum($id: ID!) {{ spectrum(id: $id) {{ {SPECTRUM_FIELDS} }} }}"""

SPECTRUM_PYMATGEN = """query SpectrumPymatgen($id: ID!) { spectrum(id: $id) { pymatgen } }"""

JOB_FIELDS = """
  id state createdAt startedAt finishedAt attempts error name model absorbingElement edge
  catalogMaterial { id formula }
  material { id formula }
"""

PREDICT = f"""mutation Predict($inputs: [PredictionInput!]!) {{ predictSpectra(inputs: $inputs) {{ {JOB_FIELDS} }} }}"""

JOB_STATE_COUNTS = "queued running completed failed total"

BATCH_PROGRESS = f"""query BatchProgress($ids: [ID!]!) {{
  predictionBatch(ids: $ids) {{ counts {{ {JOB_STATE_COUNTS} }} progress finished }}
}}"""

BATCH_JOBS = f"""query BatchJobs($ids: [ID!]!) {{
  predictionBatch(ids: $ids) {{ jobs {{ {JOB_FIELDS} spectrum {{ {SPECTRUM_FIELDS} }} }} }}
}}"""

MY_JOBS_PAGE = f"""query MyJobs($filter: PredictionJobFilter, $first: Int, $after: String) {{
  myPredictionJobs(filter: $filter, first: $first, after: $after) {{
    totalCount counts {{ {JOB_STATE_COUNTS} }} pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ {JOB_FIELDS} }} }}
  }}
}}"""
