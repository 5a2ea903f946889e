//! Everything that can stop `upstream-diff` before it has a diff to show.
//!
//! Each variant names the document and, where it helps, the place inside it, so a maintainer
//! can fix the input without reading the tool's source. All of them end the run with exit
//! code 2; a difference between the two specs is not an error.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpstreamDiffError {
    /// The file could not be read at all.
    Read { document: String, message: String },
    /// The file is not valid JSON or YAML.
    Syntax {
        document: String,
        syntax: &'static str,
        message: String,
    },
    /// The file parsed but is not an OpenAPI 3.0 or 3.1 document.
    NotOpenApi { document: String, found: String },
    /// The document has no `paths` object, so there are no operations to compare.
    MissingPaths { document: String },
    /// A `$ref` points at nothing inside the document.
    BrokenRef {
        document: String,
        reference: String,
        context: String,
    },
    /// A `$ref` points into another file; only references inside the document are followed.
    ExternalRef {
        document: String,
        reference: String,
        context: String,
    },
    /// Following `$ref`s comes back to where it started without reaching a definition.
    RefCycle {
        document: String,
        chain: Vec<String>,
        context: String,
    },
    /// A part of the document has the wrong shape (for instance a parameter without `name`).
    Malformed {
        document: String,
        context: String,
        message: String,
    },
    /// Two operations of the compared tag share one `operationId`, so they cannot be matched.
    DuplicateOperationId {
        document: String,
        operation_id: String,
        first: String,
        second: String,
    },
    /// The schemas of one operation expand to an unreasonable number of fields.
    TooLarge {
        document: String,
        context: String,
        limit: usize,
    },
    /// Schemas nest (through properties, items or chains of `$ref`/`allOf`) deeper than any
    /// real API body; refusing them keeps a hostile document from exhausting the stack.
    TooDeep {
        document: String,
        context: String,
        limit: usize,
    },
    /// The allow file of accepted differences is missing pieces or is not valid JSON.
    AcceptedFile { path: String, message: String },
}

impl fmt::Display for UpstreamDiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read { document, message } => write!(f, "cannot read {document}: {message}"),
            Self::Syntax {
                document,
                syntax,
                message,
            } => write!(f, "{document} is not valid {syntax}: {message}"),
            Self::NotOpenApi { document, found } => write!(
                f,
                "{document} is not an OpenAPI 3.0 or 3.1 document ({found})"
            ),
            Self::MissingPaths { document } => write!(
                f,
                "{document} has no `paths` object, so it describes no operations to compare"
            ),
            Self::BrokenRef {
                document,
                reference,
                context,
            } => write!(
                f,
                "{document}: $ref `{reference}` ({context}) points at nothing in the document"
            ),
            Self::ExternalRef {
                document,
                reference,
                context,
            } => write!(
                f,
                "{document}: $ref `{reference}` ({context}) points outside the document; only \
                 references that start with `#/` are followed"
            ),
            Self::RefCycle {
                document,
                chain,
                context,
            } => write!(
                f,
                "{document}: $ref cycle ({context}): {} never reaches a definition",
                chain.join(" -> ")
            ),
            Self::Malformed {
                document,
                context,
                message,
            } => write!(f, "{document}: {context}: {message}"),
            Self::DuplicateOperationId {
                document,
                operation_id,
                first,
                second,
            } => write!(
                f,
                "{document}: operationId `{operation_id}` is used by both {first} and {second}"
            ),
            Self::TooLarge {
                document,
                context,
                limit,
            } => write!(
                f,
                "{document}: the schemas of {context} expand to more than {limit} fields"
            ),
            Self::TooDeep {
                document,
                context,
                limit,
            } => write!(
                f,
                "{document}: the schemas of {context} nest more than {limit} levels deep"
            ),
            Self::AcceptedFile { path, message } => {
                write!(f, "allow file {path}: {message}")
            }
        }
    }
}

impl std::error::Error for UpstreamDiffError {}
