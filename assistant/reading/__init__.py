"""Reading: files -> Document -> Page -> Chunk, every offset kept so that excerpts stay verbatim.

Owns the documents folder (docs_folder.py: its files, added and removed safely), reading a file
into pages (ingest.py: pypdf, page labels, outline sections, text encodings, the parse report; two
PDFs or more in read_worker.py processes), a PDF's lines and their kinds (layout.py, line_kinds.py,
note_lines.py, regions.py: body text, notes, captions, running heads), each page's cleaned text
(page_parts.py, cleaning.py), the captions and table rows in it (captions.py, tables.py), sentence
boundaries (sentences.py) and the chunks embedded and searched (chunking.py, whose TEXT_VERSION
says when documents must be read again). It imports only the shared top-level modules (types,
errors), never a later stage.

Public entry points: `ingest.read_document`, `read_worker.read_all`, `chunking.chunk_document`,
`docs_folder.add_document` / `remove_document` / `file_names`.
"""
