/** A short piece of a member id beside a nick that another present member also shows. */
export function NickTag({ tag }: { readonly tag: string | null }) {
  if (tag === null) return null;
  return (
    <span className="nick-tag" data-testid="nick-tag" title={`member id starting ${tag}`}>
      {tag}
    </span>
  );
}
