/** What every modality's editor or viewer receives from the item page. */
import type { Item } from "../api/types";
import type { Ontology } from "../domain/ontology";
import type { AnnotationSession } from "../state/useAnnotationSession";

export interface EditorProps {
  item: Item;
  ontology: Ontology;
  s: AnnotationSession;
}
