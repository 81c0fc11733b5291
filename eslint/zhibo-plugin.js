// zhibo's own lint rules (docs/architecture.md): table ownership in the server's feature modules.
import { ESLintUtils } from '@typescript-eslint/utils';

const DB_FILE = /packages\/server\/src\/db\/db\.ts$/;
const STORAGE_FILE = /\/(sql|store)\.ts$/;

/** Only a module's sql.ts / store.ts runs statements: a call on a Db or Sql (db/db.ts) anywhere else is refused. */
const dbOnlyInSql = ESLintUtils.RuleCreator.withoutDocs({
  meta: {
    type: 'problem',
    messages: {
      sql: 'Only a module\'s sql.ts or store.ts touches the database (docs/architecture.md, "Table ownership"): move this statement into {{where}} and call it from here.',
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    if (STORAGE_FILE.test(context.filename)) return {};
    const services = ESLintUtils.getParserServices(context);
    const checker = services.program.getTypeChecker();
    const isDb = (node) => {
      const type = services.getTypeAtLocation(node);
      const decls = [type.getSymbol(), type.aliasSymbol, ...(type.getBaseTypes?.()?.map((t) => t.getSymbol()) ?? [])]
        .filter(Boolean)
        .flatMap((s) => s.getDeclarations() ?? []);
      return decls.some((d) => DB_FILE.test(d.getSourceFile().fileName));
    };
    void checker;
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return;
        if (!['query', 'exec', 'tx'].includes(callee.property.name)) return;
        if (isDb(callee.object))
          context.report({ node, messageId: 'sql', data: { where: 'the sql.ts of the module that owns the table' } });
      },
    };
  },
});

export default { rules: { 'db-only-in-sql': dbOnlyInSql } };
