import {
  IdList,
  Optional,
  ScopeId,
  Text,
  Title,
} from '../validation/validation';

/** Categories and groups: an id chosen by the creator, a title, a description. */
export abstract class NamedRecordDto {
  @ScopeId()
  id: string;

  @Title()
  title: string;

  @Optional()
  @Text(1000)
  description?: string;
}

/** Monitors and alerts: a title, the server groups they watch, an expression. */
export abstract class GroupWatchDto {
  @Title()
  title: string;

  @Optional()
  @IdList()
  groups?: string[];

  @Optional()
  @Text(1000)
  expression?: string;
}
