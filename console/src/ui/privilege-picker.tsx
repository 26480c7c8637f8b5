import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { PrivilegeInfo } from '../context';

interface Section {
  heading: string;
  items: PrivilegeInfo[];
}

/**
 * The catalog by resource: "Create Server Groups" belongs under "Server
 * Groups", "Run Jobs" under "Jobs"; a one-word title (Administrator) stands
 * alone. Derived from the titles, so a new privilege needs no console change.
 */
export function sectionsOf(catalog: PrivilegeInfo[]): Section[] {
  const sections = new Map<string, PrivilegeInfo[]>();
  for (const privilege of catalog) {
    const words = privilege.title.split(' ');
    const heading =
      words.length > 1 ? words.slice(1).join(' ') : 'Administration';
    sections.set(heading, [...(sections.get(heading) ?? []), privilege]);
  }
  return [...sections].map(([heading, items]) => ({ heading, items }));
}

interface Props {
  label: string;
  catalog: PrivilegeInfo[];
  chosen: string[];
  onChange: (chosen: string[]) => void;
  invalid?: 'true';
  describedBy?: string;
}

/**
 * The "Privileges" group of SPEC §21: a filter, headings per resource, a
 * "Select all" per resource (for the privileges the filter shows) and a
 * live count of the ticked ones, hidden or not.
 */
export function PrivilegePicker(props: Props) {
  const { catalog, chosen, onChange } = props;
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const needle = filter.trim().toLowerCase();
  const shown = (section: Section) =>
    section.items.filter((p) =>
      [p.title, p.id, section.heading].some((text) =>
        text.toLowerCase().includes(needle),
      ),
    );
  const sections = sectionsOf(catalog)
    .map((section) => ({ ...section, items: shown(section) }))
    .filter((section) => section.items.length > 0);
  const set = (ids: string[], on: boolean) => {
    const rest = chosen.filter((id) => !ids.includes(id));
    onChange(on ? [...rest, ...ids] : rest);
  };

  return (
    <fieldset
      class="field checks privileges"
      aria-invalid={props.invalid}
      aria-describedby={props.describedBy}
    >
      <legend>{props.label}</legend>
      <div class="picker-bar">
        <label for={filterId} class="visually-hidden">
          Filter Privileges
        </label>
        <input
          id={filterId}
          type="search"
          placeholder="Filter privileges"
          value={filter}
          onInput={(e) => setFilter(e.currentTarget.value)}
        />
        <p class="count" aria-live="polite">
          {chosen.length} selected
        </p>
      </div>
      {sections.length === 0 && <p class="hint">No privilege matches.</p>}
      <div class="picker-sections">
        {sections.map((section) => (
          <PickerSection
            key={section.heading}
            section={section}
            chosen={chosen}
            set={set}
          />
        ))}
      </div>
    </fieldset>
  );
}

function PickerSection(props: {
  section: Section;
  chosen: string[];
  set: (ids: string[], on: boolean) => void;
}) {
  const { section, chosen, set } = props;
  const headingId = useId();
  const all = useRef<HTMLInputElement>(null);
  const ids = section.items.map((p) => p.id);
  const ticked = ids.filter((id) => chosen.includes(id)).length;
  useEffect(() => {
    all.current!.indeterminate = ticked > 0 && ticked < ids.length;
  });
  return (
    <section class="picker-section" aria-labelledby={headingId}>
      <h3 id={headingId}>{section.heading}</h3>
      <label class="check select-all">
        <input
          ref={all}
          type="checkbox"
          checked={ticked === ids.length}
          aria-describedby={headingId}
          onChange={(e) => set(ids, e.currentTarget.checked)}
        />
        Select all
      </label>
      {section.items.map((privilege) => (
        <label key={privilege.id} class="check">
          <input
            type="checkbox"
            checked={chosen.includes(privilege.id)}
            onChange={(e) => set([privilege.id], e.currentTarget.checked)}
          />
          {privilege.title}
        </label>
      ))}
    </section>
  );
}
